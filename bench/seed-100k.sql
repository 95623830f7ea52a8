-- 100,000 published one-off events over 2016-2029 (kinds, tags, organizers, countries, online, all-day and
-- timed mixed) plus 300 series (yearly world days, weekly and monthly webinars), for bench/api-list.sh.
truncate events cascade;
insert into events (id, title, description, kind, all_day, starts_on, ends_on, starts_local, ends_local, time_zone,
                    starts_at, ends_at, tags, organizers, country, online)
select gen_random_uuid(), 'Event ' || i, 'Description of event ' || i || ' about ' || (array['labour','migration','children','policy'])[1 + i % 4],
       (array['webinar','conference','meeting','workshop','training','launch','deadline','other'])[1 + i % 8],
       i % 3 = 0,
       case when i % 3 = 0 then d end, case when i % 3 = 0 then d + (i % 4) end,
       case when i % 3 <> 0 then d + time '14:00' end, case when i % 3 <> 0 then d + time '15:30' end,
       case when i % 3 <> 0 then 'Europe/Brussels' end,
       case when i % 3 = 0 then d::timestamp at time zone 'UTC' else (d + time '14:00') at time zone 'Europe/Brussels' end,
       case when i % 3 = 0 then (d + (i % 4) + 1)::timestamp at time zone 'UTC' else (d + time '15:30') at time zone 'Europe/Brussels' end,
       array[(array['labour-exploitation','migration','child-trafficking','policy','data'])[1 + i % 5]],
       array[(array['OSCE','La Strada International','ODIHR','UNODC'])[1 + i % 4]],
       (array['AT','BE','PL','DE', null])[1 + i % 5], i % 2 = 0
from (select i, date '2016-01-01' + (i % 5000) as d from generate_series(1, 100000) i) s;

-- Yearly world days (all-day, no end).
insert into events (id, title, kind, all_day, starts_on, ends_on, starts_at, ends_at, recurrence, tags, organizers)
select gen_random_uuid(), 'World day ' || i, 'world-day', true, d, d, d::timestamp at time zone 'UTC', (d + 1)::timestamp at time zone 'UTC',
       'FREQ=YEARLY;BYMONTH=' || extract(month from d) || ';BYMONTHDAY=' || extract(day from d),
       array[(array['labour-exploitation','migration','child-trafficking','policy','data'])[1 + i % 5]], array['UN']
from (select i, date '2016-01-01' + i * 2 + (i % 5) * 366 as d from generate_series(1, 150) i) s
where extract(day from d) <= 28;

-- Weekly webinars (52 weeks) and monthly ones (no end), 14:00-15:00 in Brussels.
insert into events (id, title, kind, all_day, starts_local, ends_local, time_zone, starts_at, ends_at, recurrence, series_ends_at,
                    tags, organizers, online, country)
select gen_random_uuid(), 'Series webinar ' || i, 'webinar', false, d + time '14:00', d + time '15:00', 'Europe/Brussels',
       (d + time '14:00') at time zone 'Europe/Brussels', (d + time '15:00') at time zone 'Europe/Brussels',
       case when i % 2 = 0 then 'FREQ=WEEKLY;COUNT=52' else 'FREQ=MONTHLY' end,
       case when i % 2 = 0 then (d + 51 * 7 + time '15:00') at time zone 'Europe/Brussels' end,
       array[(array['labour-exploitation','migration','child-trafficking','policy','data'])[1 + i % 5]],
       array[(array['OSCE','La Strada International','ODIHR','UNODC'])[1 + i % 4]], true, (array['AT','BE','PL','DE'])[1 + i % 4]
from (select i, date '2016-01-04' + i * 30 as d from generate_series(1, 150) i) s
where extract(day from d) <= 28;
analyze events;
