package cn.tongban.ops.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** 指标样本存储: the routes' samples ({@code ops_route_sample}), written one tick at a time, read by time bucket. */
@Repository
public class RouteSampleStore {

    private final JdbcTemplate jdbc;

    RouteSampleStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** One route's counts over one interval (deltas), its latency then, and its backlog at the end. */
    public record Sample(
            String routeId,
            long records,
            long failures,
            long exchanges,
            long timedCount,
            double timedTotalMs,
            Double maxMs,
            Long backlog) {}

    /** One route's samples summed over one time bucket, from every instance. */
    public record Bucket(
            long bucketStart,
            String routeId,
            long records,
            long failures,
            long exchanges,
            long timedCount,
            double timedTotalMs,
            Double maxMs,
            Long backlog) {}

    /**
     * All of one tick's samples in one statement (arrays unnested), so a tick is written whole or
     * not at all; a tick written twice (a retried pass) keeps its first rows.
     */
    public void insert(String instanceId, Instant at, long intervalMs, List<Sample> samples) {
        if (samples.isEmpty()) {
            return;
        }
        int n = samples.size();
        Object[] routes = new Object[n];
        Object[] records = new Object[n];
        Object[] failures = new Object[n];
        Object[] exchanges = new Object[n];
        Object[] timedCount = new Object[n];
        Object[] timedTotal = new Object[n];
        Object[] max = new Object[n];
        Object[] backlog = new Object[n];
        for (int i = 0; i < n; i++) {
            Sample s = samples.get(i);
            routes[i] = s.routeId();
            records[i] = s.records();
            failures[i] = s.failures();
            exchanges[i] = s.exchanges();
            timedCount[i] = s.timedCount();
            timedTotal[i] = s.timedTotalMs();
            max[i] = s.maxMs();
            backlog[i] = s.backlog();
        }
        jdbc.update(con -> {
            var statement = con.prepareStatement("""
                            insert into ops_route_sample (instance_id, route_id, sampled_at, interval_ms, records,
                                failures, exchanges, timed_count, timed_total_ms, max_ms, backlog)
                            select ?, r, ?, ?, rec, fail, ex, tc, tt, mx, bl
                            from unnest(?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[],
                                        ?::float8[], ?::float8[], ?::bigint[])
                                 as s(r, rec, fail, ex, tc, tt, mx, bl)
                            on conflict do nothing""");
            statement.setString(1, instanceId);
            statement.setTimestamp(2, Timestamp.from(at));
            statement.setLong(3, intervalMs);
            statement.setArray(4, con.createArrayOf("text", routes));
            statement.setArray(5, con.createArrayOf("bigint", records));
            statement.setArray(6, con.createArrayOf("bigint", failures));
            statement.setArray(7, con.createArrayOf("bigint", exchanges));
            statement.setArray(8, con.createArrayOf("bigint", timedCount));
            statement.setArray(9, con.createArrayOf("float8", timedTotal));
            statement.setArray(10, con.createArrayOf("float8", max));
            statement.setArray(11, con.createArrayOf("bigint", backlog));
            return statement;
        });
    }

    /**
     * Every route's samples since {@code from} summed per bucket of {@code bucketSeconds} (aligned
     * to the epoch); one route's only when {@code routeId} is given. Backlog is a level that every
     * instance reads from the same outbox: its largest reading, never a sum.
     */
    public List<Bucket> buckets(Instant from, long bucketSeconds, String routeId) {
        return jdbc.query(
                """
                select floor(extract(epoch from sampled_at) / ?)::bigint * ? as bucket, route_id,
                       sum(records) as records, sum(failures) as failures, sum(exchanges) as exchanges,
                       sum(timed_count) as timed_count, sum(timed_total_ms) as timed_total_ms,
                       max(max_ms) as max_ms, max(backlog) as backlog
                from ops_route_sample
                where sampled_at >= ? and (cast(? as text) is null or route_id = ?)
                group by bucket, route_id
                order by bucket, route_id""",
                (rs, i) -> new Bucket(
                        rs.getLong("bucket"),
                        rs.getString("route_id"),
                        rs.getLong("records"),
                        rs.getLong("failures"),
                        rs.getLong("exchanges"),
                        rs.getLong("timed_count"),
                        rs.getDouble("timed_total_ms"),
                        rs.getObject("max_ms", Double.class),
                        rs.getObject("backlog", Long.class)),
                bucketSeconds,
                bucketSeconds,
                Timestamp.from(from),
                routeId,
                routeId);
    }

    /** Whether any instance sampled {@code routeId} since {@code from}. */
    public boolean sampled(String routeId, Instant from) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "select exists (select 1 from ops_route_sample where route_id = ? and sampled_at >= ?)",
                Boolean.class,
                routeId,
                Timestamp.from(from)));
    }

    /** Deletes samples older than {@code before}; returns how many. Safe while other instances do the same. */
    public int prune(Instant before) {
        return jdbc.update("delete from ops_route_sample where sampled_at < ?", Timestamp.from(before));
    }
}
