-- A one-kind list (webinars, world days) pages by start within its kind. The index of 0001 covered series and
-- long events too, so the planner preferred the start index and filtered ~40 rows per row returned.
drop index if exists events_kind_start;
create index events_kind_start on events (kind, starts_at, id)
    where moderation = 'published' and recurrence is null and not is_long;
