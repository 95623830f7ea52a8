-- Events: the calendar's one source of truth.
-- The CHECK constraints mirror EventInputValidator so that a bug in code cannot store an impossible event.

create function calendar_slugs_valid(tags text[]) returns boolean
    language sql immutable strict parallel safe
    return coalesce(array_length(tags, 1), 0) <= 20
       and not exists (select 1 from unnest(tags) t where t !~ '^[a-z0-9]+(-[a-z0-9]+)*$' or char_length(t) > 50);

create function calendar_names_valid(names text[]) returns boolean
    language sql immutable strict parallel safe
    return coalesce(array_length(names, 1), 0) <= 20
       and not exists (select 1 from unnest(names) n
                       where char_length(n) not between 1 and 200 or n ~ '[[:cntrl:]]' or n <> btrim(n));

-- array_to_string is only STABLE; a generated column needs an IMMUTABLE expression.
create function calendar_join(parts text[]) returns text
    language sql immutable parallel safe
    return coalesce(array_to_string(parts, ' '), '');

create table events (
    id                uuid primary key,
    title             text not null check (char_length(title) between 1 and 200 and title !~ '[[:cntrl:]]' and title = btrim(title)),
    description       text not null default '' check (char_length(description) <= 10000 and description !~ '[\x01-\x08\x0b-\x1f\x7f]'),
    kind              text not null check (kind in ('webinar', 'conference', 'meeting', 'workshop', 'training', 'world-day', 'launch', 'deadline', 'other')),
    status            text not null default 'confirmed' check (status in ('confirmed', 'tentative', 'cancelled')),
    moderation        text not null default 'published' check (moderation in ('pending', 'published', 'rejected')),

    all_day           boolean not null,
    starts_on         date,           -- all-day events: inclusive dates
    ends_on           date,
    starts_local      timestamp,      -- timed events: wall-clock time in time_zone
    ends_local        timestamp,
    time_zone         text,
    -- What queries sort and filter on. Timed: real instants. All-day: the dates' midnights in UTC
    -- (ends_at exclusive), so one ordering serves both.
    starts_at         timestamptz not null,
    ends_at           timestamptz not null,
    recurrence        text check (recurrence is null or (char_length(recurrence) between 6 and 500 and recurrence ~ '^FREQ=')),
    -- End of the last occurrence, or null when the series never ends; lets a window skip finished series.
    series_ends_at    timestamptz,

    venue             text check (char_length(venue) between 1 and 200 and venue !~ '[[:cntrl:]]'),
    address           text check (char_length(address) between 1 and 300 and address !~ '[[:cntrl:]]'),
    city              text check (char_length(city) between 1 and 100 and city !~ '[[:cntrl:]]'),
    country           text check (country ~ '^[A-Z]{2}$'),
    online            boolean not null default false,
    join_url          text check (char_length(join_url) <= 2000 and join_url ~* '^https?://[^[:space:]]+$'),
    organizers        text[] not null default '{}' check (calendar_names_valid(organizers)),
    tags              text[] not null default '{}' check (calendar_slugs_valid(tags)),
    language          text check (language ~ '^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$' and char_length(language) <= 35),
    registration_url  text check (char_length(registration_url) <= 2000 and registration_url ~* '^https?://[^[:space:]]+$'),
    more_info_url     text check (char_length(more_info_url) <= 2000 and more_info_url ~* '^https?://[^[:space:]]+$'),
    contact_email     text check (char_length(contact_email) <= 254 and contact_email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),

    owner_id          uuid,           -- the coordinator account that submitted it, when there is one
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now(),
    sequence          integer not null default 0 check (sequence >= 0),
    revision          bigint not null default 1 check (revision >= 1),  -- ETag of the JSON resource; every write

    search            tsvector generated always as (
        setweight(to_tsvector('simple', title), 'A') ||
        setweight(to_tsvector('simple', calendar_join(organizers)), 'B') ||
        setweight(to_tsvector('simple', coalesce(venue, '') || ' ' || coalesce(city, '') || ' ' || coalesce(address, '')), 'B') ||
        setweight(to_tsvector('simple', description), 'C')
    ) stored,
    is_long           boolean generated always as (ends_at - starts_at > interval '31 days') stored,

    constraint timing_matches_all_day check (
        (all_day and starts_on is not null and ends_on is not null and ends_on >= starts_on
             and starts_local is null and ends_local is null and time_zone is null)
        or
        (not all_day and starts_local is not null and ends_local is not null and time_zone is not null
             and char_length(time_zone) <= 64 and starts_on is null and ends_on is null)),
    constraint ends_after_start check (ends_at > starts_at),
    constraint series_ends_after_start check (series_ends_at is null or series_ends_at >= ends_at),
    constraint online_link_needs_online check (join_url is null or online),
    constraint updated_not_before_created check (updated_at >= created_at)
);

-- Upcoming lists page by (starts_at, id). Events longer than 31 days are few; they get their own index on
-- ends_at so that "still running at @from" never scans the whole past (see EventStore.ListAsync).
create index events_published_start on events (starts_at, id) where moderation = 'published' and recurrence is null and not is_long;
create index events_published_long on events (ends_at) where moderation = 'published' and recurrence is null and is_long;
create index events_published_recurring on events (starts_at) where moderation = 'published' and recurrence is not null;
create index events_kind_start on events (kind, starts_at, id) where moderation = 'published';
create index events_tags on events using gin (tags);
create index events_organizers on events using gin (organizers);
create index events_search on events using gin (search);
create index events_country on events (country, starts_at) where country is not null;
create index events_moderation_queue on events (created_at) where moderation = 'pending';

-- One row that advances on every change to events: feeds derive ETag/Last-Modified from it, so every
-- instance of the service agrees without talking to the others.
create table calendar_version (
    singleton   boolean primary key default true check (singleton),
    version     bigint not null,
    changed_at  timestamptz not null
);
insert into calendar_version (version, changed_at) values (1, now());

create function calendar_touch_version() returns trigger
    language plpgsql as $$
begin
    update calendar_version
       set version = version + 1,
           -- never backwards, even if clocks of two database hosts disagree after a failover
           changed_at = greatest(clock_timestamp(), changed_at + interval '1 millisecond');
    return null;
end $$;

create trigger events_touch_version
    after insert or update or delete on events
    for each statement execute function calendar_touch_version();

-- Which bundled data sets were loaded, so that a restart never loads them twice.
create table seed_runs (
    name       text primary key,
    loaded_at  timestamptz not null default now(),
    count      integer not null
);
