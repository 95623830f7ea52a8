-- Partner feeds: the calendars partners publish, fetched on a schedule (SPEC "Partner feeds (import)").
-- Sources are retired, never deleted: their events and the record of every run stay.

create table sources (
    id              uuid primary key,
    name            text not null check (char_length(name) between 1 and 120 and name !~ '[[:cntrl:]]' and name = btrim(name)),
    url             text not null check (char_length(url) <= 2000 and url ~* '^https?://[^[:space:]]+$'),
    organizer       text not null check (char_length(organizer) between 1 and 200 and organizer !~ '[[:cntrl:]]' and organizer = btrim(organizer)),
    kind            text not null default 'other' check (kind in ('webinar', 'conference', 'meeting', 'workshop', 'training', 'world-day', 'launch', 'deadline', 'other')),
    tags            text[] not null default '{}' check (calendar_slugs_valid(tags)),
    auto_publish    boolean not null default false,
    time_zone       text check (char_length(time_zone) between 1 and 64),
    state           text not null default 'active' check (state in ('active', 'paused', 'retired')),
    -- The validators of the last feed read in full, sent back as If-None-Match / If-Modified-Since.
    etag            text check (char_length(etag) <= 500),
    last_modified   text check (char_length(last_modified) <= 100),
    next_run_at     timestamptz not null default now(),
    failures        integer not null default 0 check (failures >= 0),   -- consecutive failed runs, for the backoff
    -- One instance fetches a source at a time: it holds the lease (a random token) until lease_until.
    lease_token     uuid,
    lease_until     timestamptz,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now()
);
-- Two live sources with one address would import every event twice (TeSS#836).
create unique index sources_url on sources (lower(url)) where state <> 'retired';
create index sources_due on sources (next_run_at) where state = 'active';

create table source_runs (
    id              bigint generated always as identity primary key,
    source_id       uuid not null references sources (id),
    started_at      timestamptz not null default now(),
    finished_at     timestamptz,
    outcome         text not null check (outcome in ('running', 'ok', 'not-modified', 'failed', 'held')),
    http_status     integer,
    seen            integer not null default 0,
    created         integer not null default 0,
    updated         integer not null default 0,
    cancelled       integer not null default 0,
    unchanged       integer not null default 0,
    skipped         jsonb not null default '[]',   -- [{uid, reason}]
    notes           jsonb not null default '[]',   -- ["floating times read in ..."]
    problem         text check (char_length(problem) <= 2000)
);
create index source_runs_source on source_runs (source_id, started_at desc);

-- Which event a source's item became, keyed by (source, UID + RECURRENCE-ID). No foreign key to events: a
-- moderator may delete an imported event (spam, a duplicate), and the key then remembers not to bring it back.
create table imported_events (
    source_id       uuid not null references sources (id),
    key             text not null check (char_length(key) between 1 and 1200),
    event_id        uuid not null unique,
    uid             text check (char_length(uid) <= 1000),
    recurrence_id   text check (char_length(recurrence_id) <= 100),
    -- What the source said last, field by field: a field whose stored value differs from this was edited here,
    -- and keeps the local value. source_hash covers all of it, so an unchanged item costs no write.
    source_values   jsonb not null,
    source_hash     text not null,
    -- Fields a moderator changed here (kept against the source), as found by the last run.
    local_fields    text[] not null default '{}',
    -- A possible duplicate found when the item arrived (same day, similar title, another source or the form).
    duplicate_of    uuid,
    created_at      timestamptz not null default now(),
    primary key (source_id, key)
);
