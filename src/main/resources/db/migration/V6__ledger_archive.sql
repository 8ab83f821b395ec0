-- Ledger archives (账本归档): a month of events past the retention period leaves the database for
-- a signed evidence bundle on disk; this table keeps what the chain check still needs (ADR 0009).
create table ledger_archive (
    id          bigserial primary key,
    month       date not null unique,
    file_name   text not null,
    file_sm3    char(64) not null,
    events      bigint not null,
    first_seq   bigint,
    last_seq    bigint,
    -- (seq int8, hash 32 bytes) for each archived event that a link or a seal still in the
    -- database refers to: the events just before the first remaining one and the archived part
    -- of any seal that also covers remaining events.
    boundary    bytea not null,
    archived_at timestamptz not null,
    archived_by text not null
);

create trigger ledger_archive_append_only before update or delete on ledger_archive
    for each row execute function ledger_refuse_change();
create trigger ledger_archive_no_truncate before truncate on ledger_archive
    for each statement execute function ledger_refuse_change();

revoke update, delete, truncate on ledger_archive from public;
do $$
begin
    if exists (select 1 from pg_roles where rolname = 'tongban_app') then
        grant select, insert on ledger_archive to tongban_app;
        grant usage on sequence ledger_archive_id_seq to tongban_app;
    end if;
end;
$$;
