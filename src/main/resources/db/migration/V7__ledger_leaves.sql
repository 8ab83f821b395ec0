-- Ledger leaves (账本叶子, ADR 0012): an event that covers many deliveries of one batch to one
-- demander (signed, delivered, failed, acknowledged) names each delivery as a leaf; the event's
-- payload digest is the Merkle root of its leaves, so the leaves are as tamper-evident as the event.
-- They make such events searchable by person and by source record. Partitioned by month with the
-- events, archived and dropped with them.
create table ledger_leaf (
    seq              bigint not null,
    occurred_at      timestamptz not null,
    leaf_index       int not null,
    resource_code    text,
    delivery_key     text,
    source_record_id text,
    person_ref       char(64),
    digest           char(64)
) partition by range (occurred_at);

create table ledger_leaf_default partition of ledger_leaf default;

create index ledger_leaf_event on ledger_leaf (seq, leaf_index);
create index ledger_leaf_person on ledger_leaf (person_ref) where person_ref is not null;
create index ledger_leaf_record on ledger_leaf (resource_code, source_record_id) where source_record_id is not null;

create trigger ledger_leaf_append_only before update or delete on ledger_leaf
    for each row execute function ledger_refuse_change();
create trigger ledger_leaf_no_truncate before truncate on ledger_leaf
    for each statement execute function ledger_refuse_change();

revoke update, delete, truncate on ledger_leaf from public;
do $$
begin
    if exists (select 1 from pg_roles where rolname = 'tongban_app') then
        grant select, insert on ledger_leaf, ledger_leaf_default to tongban_app;
    end if;
end;
$$;

-- Each month that already has an event partition gets its leaf partition.
do $$
declare
    month record;
begin
    for month in
        select c.relname as name, substring(c.relname from 15 for 4)::int as y, substring(c.relname from 20 for 2)::int as m
        from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
        where p.relname = 'ledger_event' and c.relname ~ '^ledger_event_y[0-9]{4}m[0-9]{2}$'
    loop
        execute format('create table %I partition of ledger_leaf for values from (%L) to (%L)',
                       replace(month.name, 'ledger_event_', 'ledger_leaf_'),
                       make_date(month.y, month.m, 1), make_date(month.y, month.m, 1) + interval '1 month');
    end loop;
end;
$$;
