-- The application's role (应用账号). The hub runs as tongban_app, which owns nothing: it reads and
-- writes the exchange's tables, only reads and appends the ledger's, and cannot switch off or drop
-- the triggers that keep the ledger append-only (only a table's owner can). The migrating user
-- owns every table; the two pieces of DDL the running hub needs — a new month's ledger partitions
-- and dropping a month once it is archived — are functions that run as that owner and do only that.

create or replace function ledger_ensure_partition(first_day date) returns boolean
    language plpgsql security definer set search_path = public, pg_temp as $$
declare
    suffix  text := to_char(first_day, '"y"YYYY"m"MM');
    created boolean := false;
    tbl     text;
begin
    if first_day <> date_trunc('month', first_day)::date then
        raise exception 'ledger partitions start on the first day of a month, not %', first_day;
    end if;
    foreach tbl in array array['ledger_event', 'ledger_leaf'] loop
        if to_regclass(tbl || '_' || suffix) is null then
            execute format('create table %I partition of %I for values from (%L) to (%L)',
                           tbl || '_' || suffix, tbl, first_day, (first_day + interval '1 month')::date);
            -- Written through the parent table, whose grants apply; read directly by the archiver.
            execute format('revoke all on %I from public', tbl || '_' || suffix);
            if exists (select 1 from pg_roles where rolname = 'tongban_app') then
                execute format('revoke all on %I from tongban_app', tbl || '_' || suffix);
                execute format('grant select on %I to tongban_app', tbl || '_' || suffix);
            end if;
            created := true;
        end if;
    end loop;
    return created;
end;
$$;

create or replace function ledger_drop_archived_partition(first_day date) returns void
    language plpgsql security definer set search_path = public, pg_temp as $$
declare
    suffix text := to_char(first_day, '"y"YYYY"m"MM');
begin
    -- Only a month whose archive is recorded (and so verified and in the chain) may leave.
    if not exists (select 1 from ledger_archive where month = first_day) then
        raise exception 'the ledger month % has not been archived', first_day;
    end if;
    execute format('drop table %I', 'ledger_event_' || suffix);
    execute format('drop table if exists %I', 'ledger_leaf_' || suffix);
end;
$$;

revoke all on function ledger_ensure_partition(date) from public;
revoke all on function ledger_drop_archived_partition(date) from public;

do $$
declare
    t record;
begin
    if not exists (select 1 from pg_roles where rolname = 'tongban_app') then
        return;
    end if;
    grant usage on schema public to tongban_app;
    grant select, insert, update, delete on all tables in schema public to tongban_app;
    grant usage, select on all sequences in schema public to tongban_app;
    -- Tables and sequences later migrations create get the same.
    alter default privileges in schema public grant select, insert, update, delete on tables to tongban_app;
    alter default privileges in schema public grant usage, select on sequences to tongban_app;
    if to_regclass('flyway_schema_history') is not null then
        revoke all on flyway_schema_history from tongban_app;
    end if;
    -- The ledger: read and append only (its head row moves forward), partitions through their parents.
    for t in select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where n.nspname = 'public' and c.relkind in ('r', 'p') and c.relname like 'ledger\_%'
    loop
        execute format('revoke update, delete, truncate on %I from tongban_app', t.relname);
    end loop;
    grant update on ledger_head to tongban_app;
    grant execute on function ledger_ensure_partition(date) to tongban_app;
    grant execute on function ledger_drop_archived_partition(date) to tongban_app;
end;
$$;
