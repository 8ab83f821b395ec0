-- The audit ledger (审计账本): an append-only, hash-chained log of every exchange step and every
-- catalog, registry and administrative change, sealed periodically by SM2-signed Merkle roots.
-- No personal data in clear: a person appears only as HMAC-SM3 of the ID number (person_ref),
-- a payload only as its SM3 digest.

create table ledger_event (
    seq              bigint not null,
    occurred_at      timestamptz not null,
    type             text not null,
    actor            text not null,
    participant_uscc text,
    resource_code    text,
    agreement_id     uuid,
    purpose          text,
    service_item     text,
    outcome          text not null,
    source_record_id text,
    delivery_key     text,
    person_ref       char(64),
    payload_digest   char(64),
    details          text,
    prev_hash        bytea not null,
    hash             bytea not null,
    primary key (seq, occurred_at)
) partition by range (occurred_at);

-- Rows outside every monthly partition land here rather than fail the exchange.
create table ledger_event_default partition of ledger_event default;

create index ledger_event_person on ledger_event (person_ref, occurred_at) where person_ref is not null;
create index ledger_event_record on ledger_event (resource_code, source_record_id) where source_record_id is not null;
create index ledger_event_agreement on ledger_event (agreement_id, occurred_at) where agreement_id is not null;
create index ledger_event_participant on ledger_event (participant_uscc, occurred_at);
create index ledger_event_time on ledger_event (occurred_at);

-- The chain head: one row, moved under a row lock by each appending transaction, so the chain
-- order is the commit order. Not a ledger table: it is rewritten on every append.
create table ledger_head (
    id        int primary key check (id = 1),
    seq       bigint not null,
    hash      bytea not null,
    sealed_to bigint not null
);
insert into ledger_head (id, seq, hash, sealed_to) values (1, 0, decode(repeat('00', 32), 'hex'), 0);

create table ledger_seal (
    id             bigint primary key,
    from_seq       bigint not null,
    to_seq         bigint not null,
    tree_size      int not null,
    root           bytea not null,
    prev_seal_hash bytea not null,
    sealed_at      text not null,
    key_id         text not null,
    signature      bytea not null,
    seal_hash      bytea not null,
    check (to_seq >= from_seq)
);
create index ledger_seal_range on ledger_seal (to_seq);

-- Append-only for real: UPDATE, DELETE and TRUNCATE are refused on the ledger tables, whoever asks.
create function ledger_refuse_change() returns trigger language plpgsql as $$
begin
    raise exception 'the audit ledger is append-only: % on % refused', tg_op, tg_table_name
        using errcode = 'insufficient_privilege';
end;
$$;
create trigger ledger_event_append_only before update or delete on ledger_event
    for each row execute function ledger_refuse_change();
create trigger ledger_event_no_truncate before truncate on ledger_event
    for each statement execute function ledger_refuse_change();
create trigger ledger_seal_append_only before update or delete on ledger_seal
    for each row execute function ledger_refuse_change();
create trigger ledger_seal_no_truncate before truncate on ledger_seal
    for each statement execute function ledger_refuse_change();

-- The application's role, when the hub runs as one (production): it may read and append, nothing else.
revoke update, delete, truncate on ledger_event, ledger_seal from public;
do $$
begin
    if exists (select 1 from pg_roles where rolname = current_user and (rolsuper or rolcreaterole)) then
        if not exists (select 1 from pg_roles where rolname = 'tongban_app') then
            create role tongban_app nologin;
        end if;
        grant select, insert on ledger_event, ledger_event_default, ledger_seal to tongban_app;
        grant select, update on ledger_head to tongban_app;
    end if;
end;
$$;

-- Deliveries carry the person's ledger reference so delivery events can name the person.
alter table delivery add column person_ref char(64);
