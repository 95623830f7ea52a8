-- Fixed-window rate-limit counters shared by every instance (submissions and sign-ins per client address).
-- One row per limit and client: a request in a new window resets the count instead of adding a row.
create table rate_limit_counters (
    policy        text        not null,
    client_key    text        not null,
    window_start  timestamptz not null,
    hits          integer     not null,
    primary key (policy, client_key)
);
create index rate_limit_counters_window on rate_limit_counters (window_start);
