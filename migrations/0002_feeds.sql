-- Named feeds (/feeds/{slug}.ics): a saved filter with a title. Retired feeds keep answering (subscribers'
-- URLs must not break) but are no longer offered; there is no delete.
create table feeds (
    slug         text primary key check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and char_length(slug) between 2 and 60 and slug <> 'events'),
    title        text not null check (char_length(title) between 1 and 120 and title !~ '[[:cntrl:]]' and title = btrim(title)),
    description  text not null default '' check (char_length(description) <= 500 and description !~ '[[:cntrl:]]'),
    -- The filter as EventFilter.ToQuery() writes it (canonical query string without '?'), e.g. kind=webinar.
    filter       text not null default '' check (char_length(filter) <= 1000 and filter !~ '[[:space:]]'),
    retired      boolean not null default false,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now()
);

insert into feeds (slug, title, description, filter) values
    ('osce', 'Anti-trafficking events — OSCE', 'Conferences, meetings and reports of the OSCE and its offices on trafficking in human beings.', 'q=OSCE'),
    ('world-days', 'Anti-trafficking events — world days', 'International days relevant to the fight against human trafficking, as yearly all-day events.', 'kind=world-day'),
    ('webinars', 'Anti-trafficking events — webinars', 'Online webinars of the network and its partners, in their own time zone.', 'kind=webinar');

-- A named feed's change is a change of what its feed shows: advance the shared version like events do.
create trigger feeds_touch_version
    after insert or update or delete on feeds
    for each statement execute function calendar_touch_version();

-- Feeds leave out events whose last occurrence ended more than 180 days ago. The feed validators need the
-- latest such end (one index probe), so that Last-Modified also advances when an event leaves the window.
create index events_published_series_end on events (series_ends_at) where moderation = 'published';

-- Service instances keep the version in memory and LISTEN for this notification, so that a feed request
-- needs no database round trip; the notification is sent when the writing transaction commits.
create or replace function calendar_touch_version() returns trigger
    language plpgsql as $$
begin
    update calendar_version
       set version = version + 1,
           -- never backwards, even if clocks of two database hosts disagree after a failover
           changed_at = greatest(clock_timestamp(), changed_at + interval '1 millisecond');
    perform pg_notify('calendar_version', '');
    return null;
end $$;
