-- 运行指标历史 (docs/console.md, Operations): what each route did per sampling interval, written by
-- every hub instance for itself (instance_id), so that instances sharing the database never
-- overwrite or double-count each other. Counts are deltas since the instance's previous sample:
-- a restart starts from zero again instead of making a negative spike. Rows older than
-- tongban.ops.metrics.retention are deleted by the sampler.
create table ops_route_sample (
    instance_id    text             not null,
    route_id       text             not null,
    sampled_at     timestamptz      not null,
    interval_ms    integer          not null check (interval_ms > 0),
    records        bigint           not null check (records >= 0),
    failures       bigint           not null check (failures >= 0),
    exchanges      bigint           not null check (exchanges >= 0),
    timed_count    bigint           not null check (timed_count >= 0),
    timed_total_ms double precision not null check (timed_total_ms >= 0),
    max_ms         double precision,
    backlog        bigint,
    primary key (route_id, sampled_at, instance_id)
);

-- Reads and pruning go by time.
create index ops_route_sample_at on ops_route_sample (sampled_at);

do $$
begin
    if exists (select 1 from pg_roles where rolname = 'tongban_app') then
        grant select, insert, delete on ops_route_sample to tongban_app;
    end if;
end;
$$;
