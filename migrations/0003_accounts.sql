-- Accounts, API tokens, the moderation audit log, private submission links, and the ASP.NET Core
-- Data Protection key ring (cookies and antiforgery tokens must verify on every instance).
-- Secrets are stored only as hashes: passwords with ASP.NET Core Identity's PasswordHasher (PBKDF2),
-- tokens (high-entropy random values) as SHA-256 digests.

create table accounts (
    id               uuid primary key,
    email            text not null check (char_length(email) between 3 and 254 and email ~ '^[^@[:space:]]+@[^@[:space:]]+$' and email = lower(email)),
    role             text not null check (role in ('moderator', 'coordinator')),
    password_hash    text check (char_length(password_hash) <= 1000),  -- null: no password sign-in (tokens only)
    failed_logins    integer not null default 0 check (failed_logins >= 0),
    locked_until     timestamptz,
    created_at       timestamptz not null default now(),
    created_by       text not null default ''
);
create unique index accounts_email on accounts (email);

create table api_tokens (
    id               uuid primary key,
    account_id       uuid not null references accounts (id) on delete cascade,
    name             text not null check (char_length(name) between 1 and 100 and name !~ '[[:cntrl:]]'),
    token_hash       bytea not null unique check (octet_length(token_hash) = 32),
    created_at       timestamptz not null default now(),
    last_used_at     timestamptz,
    revoked_at       timestamptz
);
create index api_tokens_account on api_tokens (account_id);

-- Who did what to which event, and when. No foreign key to events: the record of a deletion outlives the event.
create table moderation_log (
    id               bigint generated always as identity primary key,
    event_id         uuid not null,
    actor_id         uuid,            -- null for an anonymous submitter or the bootstrap token
    actor            text not null check (char_length(actor) <= 300),
    action           text not null check (action in ('submitted', 'created', 'edited', 'approved', 'rejected', 'cancelled', 'deleted')),
    reason           text check (char_length(reason) <= 2000),
    at               timestamptz not null default now()
);
create index moderation_log_event on moderation_log (event_id, at);

-- The private status link of a submission: /submissions/{token}. Only the digest is kept.
create table submission_tokens (
    event_id         uuid primary key references events (id) on delete cascade,
    token_hash       bytea not null unique check (octet_length(token_hash) = 32),
    created_at       timestamptz not null default now()
);

create table data_protection_keys (
    friendly_name    text primary key,
    xml              text not null,
    created_at       timestamptz not null default now()
);
