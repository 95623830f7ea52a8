-- The JSON list runs as prepared statements with one generic plan per filter shape. For tags, organizers and text
-- search that plan cannot know whether a value is rare (best: the GIN index, then sort the few matches) or common
-- (best: walk the (starts_at, id) index until the page is full). The list does both in one statement: it collects
-- up to 1,000 matches through GIN and, only when there are more, walks the ordered index. These wrappers keep the
-- walk a walk: PL/pgSQL is never inlined, so the planner sees an opaque condition with its default selectivity
-- (1/3) instead of an indexable operator whose default estimate (0.5 %) makes a sort of the GIN matches look cheap.
create function calendar_walk_overlaps(items text[], wanted text[]) returns boolean
    language plpgsql immutable strict parallel safe as $$ begin return items && wanted; end $$;

create function calendar_walk_contains(items text[], wanted text) returns boolean
    language plpgsql immutable strict parallel safe as $$ begin return items @> array[wanted]; end $$;

create function calendar_walk_matches(search tsvector, query text) returns boolean
    language plpgsql immutable strict parallel safe as $$ begin return search @@ to_tsquery('simple', query); end $$;
