-- Login lockout (#13): failures in a row and the lock are kept with the account, so every hub
-- instance counts the same failures and refuses the same locked login.
alter table account
    add column failed_logins integer not null default 0,
    add column locked_until  timestamptz;
