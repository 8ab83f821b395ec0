-- Hub key rotation (ADR 0014): a delivery names the hub key that signed it (its record
-- signature or its batch seal). Rows from before have none: they were signed with the hub's
-- first key (HubKeys.originalKeyId: hub-key-first.txt once the hub has rotated).
alter table delivery add column signing_key_id text;

-- Notices recorded once per certificate (e.g. that it expires within 30 days), so a restart or
-- a second hub never records the same one again.
create table hub_certificate_notice (
    key_id      text not null,
    kind        text not null,
    noticed_at  timestamptz not null,
    primary key (key_id, kind)
);
