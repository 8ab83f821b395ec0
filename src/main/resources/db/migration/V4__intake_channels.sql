-- HTTP pull: where the hub is in each supplier's change feed, per query endpoint and resource.
create table pull_cursor (
    endpoint_id    uuid not null,
    resource_code  text not null,
    cursor_value   text,
    next_poll_at   timestamptz not null,
    last_polled_at timestamptz,
    last_outcome   text,
    records_pulled bigint not null default 0,
    primary key (endpoint_id, resource_code)
);

-- A demander's endpoint may pin the registry version of the resource's schema its system reads;
-- records are converted to it (Avro schema resolution) before they are projected and signed.
alter table endpoint add column schema_version int check (schema_version > 0);
