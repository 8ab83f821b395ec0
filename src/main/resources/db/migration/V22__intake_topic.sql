-- ADR 0020: with the Kafka transport, every instance consumes the intake topic. The pipeline's
-- transaction takes the message it runs on here, so a message consumed twice (a rebalance, a crash
-- before the Kafka commit) is taken in once: the row per partition is the lock and the mark.
create table exchange_intake_offset (
    topic        text not null,
    partition    int not null,
    next_offset  bigint not null,
    taken_by     text not null,
    taken_at     timestamptz not null,
    primary key (topic, partition)
);
