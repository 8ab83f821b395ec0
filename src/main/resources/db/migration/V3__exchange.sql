-- The exchange: intake batches, quarantine, and the delivery outbox. Payloads that carry
-- personal data are stored SM4-GCM encrypted, with the key id beside them.

create table exchange_batch (
    id              uuid primary key,
    resource_code   text not null,
    supplier_uscc   char(18) not null,
    channel         text not null,
    signing_mode    text not null,
    received_at     timestamptz not null,
    record_count    int not null,
    accepted        int not null,
    quarantined     int not null,
    deliveries      int not null,
    tree_size       int,
    merkle_root     bytea,
    sealed_at       text,
    seal_signature  bytea,
    leaf_hashes     bytea
);
create index exchange_batch_resource on exchange_batch (resource_code, received_at);

create table quarantine (
    id                uuid primary key,
    batch_id          uuid not null,
    resource_code     text not null,
    supplier_uscc     char(18) not null,
    source_record_id  text,
    reasons           jsonb not null,
    payload_cipher    bytea not null,
    key_id            text not null,
    status            text not null check (status in ('HELD', 'REPLAYED', 'DISCARDED')),
    received_at       timestamptz not null,
    resolved_at       timestamptz,
    resolved_by       text
);
create index quarantine_resource on quarantine (resource_code, status);

-- Projected schemas, stored once and named by their SM3 fingerprint.
create table projection_schema (
    fingerprint  char(64) primary key,
    schema       text not null
);

-- The outbox: one row per record per entitled demander, holding what was signed — the
-- projected record's Avro bytes (encrypted) and the envelope's fields; the signed envelope is
-- assembled when it is delivered. The idempotency key is stable across re-sends of a record.
create table delivery (
    id                bigserial primary key,
    idempotency_key   char(64) not null unique,
    batch_id          uuid not null,
    agreement_id      uuid not null,
    resource_code     text not null,
    demander_uscc     char(18) not null,
    endpoint_kind     text not null,
    endpoint_address  text,
    order_key         char(64) not null,
    source_record_id  text not null,
    service_item_code text not null,
    purpose           text not null,
    issued_at         text not null,
    schema_fingerprint char(64) not null,
    leaf_index        int,
    record_signature  bytea,
    payload_cipher    bytea not null,
    key_id            text not null,
    status            text not null check (status in ('PENDING', 'DELIVERED', 'AVAILABLE', 'ACKED', 'DEAD')),
    attempts          int not null default 0,
    next_attempt_at   timestamptz not null,
    last_error        text,
    created_at        timestamptz not null,
    delivered_at      timestamptz
);
create index delivery_due on delivery (next_attempt_at, id) where status = 'PENDING';
create index delivery_order on delivery (order_key, id) where status = 'PENDING';
create index delivery_mailbox on delivery (demander_uscc, id) where status = 'AVAILABLE';
create index delivery_dead on delivery (demander_uscc, id) where status = 'DEAD';
create index delivery_source on delivery (resource_code, source_record_id);
