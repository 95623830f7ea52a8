-- Changes with the password: sign-in cookies issued before then stop working on every instance
-- (checked by the cookie handler on each request, see AccountPrincipal.ValidateAsync).
alter table accounts add column session_stamp uuid not null default gen_random_uuid();
