-- When an event became public, for news readers (RSS/Atom list the most recently published first).
-- Set by the database on every path that publishes (insert as published, approval), so no writer can forget it;
-- kept when a published event is edited or cancelled, cleared when it stops being published.
alter table events add column published_at timestamptz;

update events e
   set published_at = coalesce((select max(l.at) from moderation_log l where l.event_id = e.id and l.action = 'approved'), e.created_at)
 where e.moderation = 'published';

create function events_set_published_at() returns trigger
    language plpgsql as $$
begin
    if new.moderation <> 'published' then
        new.published_at := null;
    elsif tg_op = 'INSERT' then
        new.published_at := coalesce(new.published_at, new.created_at);
    elsif old.moderation <> 'published' or old.published_at is null then
        new.published_at := greatest(now(), new.created_at);
    else
        new.published_at := old.published_at;
    end if;
    return new;
end $$;

create trigger events_published_at
    before insert or update of moderation, published_at on events
    for each row execute function events_set_published_at();

alter table events add constraint published_at_when_published check ((moderation = 'published') = (published_at is not null));

create index events_published on events (published_at desc, id desc) where moderation = 'published';
