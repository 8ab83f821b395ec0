-- 数据异议 (docs/disputes.md): a demander's objection that a record it received is wrong, which the
-- supplier must check and answer — a corrected record (re-sent to every demander in force) or a
-- justified rejection — within tongban.disputes.answer-working-days, or it is escalated to the
-- platform administrator. The reasons are staff's free text: kept here, never in the ledger.
create table dispute (
    id                  uuid primary key,
    status              text not null check (status in ('OPEN', 'CORRECTED', 'REJECTED', 'ESCALATED')),
    resource_code       text not null,
    supplier_uscc       char(18) not null,
    demander_uscc       char(18) not null,
    agreement_id        uuid,
    -- The disputed delivery's idempotency key (the envelope's deliveryId).
    delivery_id         char(64) not null,
    source_record_id    text not null,
    fields              text[] not null check (cardinality(fields) > 0),
    reason              text not null,
    opened_at           timestamptz not null,
    opened_by           text not null,
    due_on              date not null,
    closed_at           timestamptz,
    closed_by           text,
    outcome_reason      text,
    correction_batch_id uuid,
    escalated_at        timestamptz,
    check ((closed_at is null) = (status in ('OPEN', 'ESCALATED'))),
    check ((correction_batch_id is null) = (status <> 'CORRECTED'))
);
-- One dispute at a time about one delivery: a second one waits for the first's answer.
create unique index dispute_open_delivery on dispute (delivery_id) where status in ('OPEN', 'ESCALATED');
create index dispute_supplier on dispute (supplier_uscc, status);
create index dispute_demander on dispute (demander_uscc, status);
create index dispute_due on dispute (due_on) where status = 'OPEN';
