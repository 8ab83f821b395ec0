package cn.tongban.cluster.internal;

import cn.tongban.cluster.SingletonWork.Lease;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The lease rows (V20). Every time is PostgreSQL's own clock, so instances whose clocks disagree
 * still agree on when a lease ends.
 */
public final class LeaseStore {

    private final JdbcClient jdbc;

    public LeaseStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Takes the lease if it is free or expired, or renews it if {@code holder} has it; true when
     * {@code holder} holds it afterwards. One statement, so two instances racing for a free lease
     * cannot both win.
     */
    public boolean acquireOrRenew(String namespace, String holder, Duration lease) {
        return jdbc.sql("""
                        insert into cluster_lease (namespace, holder, acquired_at, renewed_at, expires_at)
                        values (:ns, :holder, clock_timestamp(), clock_timestamp(),
                                clock_timestamp() + make_interval(secs => :secs))
                        on conflict (namespace) do update
                           set holder = excluded.holder,
                               acquired_at = case when cluster_lease.holder = excluded.holder
                                                  then cluster_lease.acquired_at else excluded.acquired_at end,
                               renewed_at = excluded.renewed_at,
                               expires_at = excluded.expires_at
                         where cluster_lease.holder = excluded.holder
                            or cluster_lease.expires_at < clock_timestamp()
                        returning holder""")
                .param("ns", namespace)
                .param("holder", holder)
                .param("secs", lease.toMillis() / 1000.0)
                .query(String.class)
                .optional()
                .isPresent();
    }

    /** Gives the lease up at once (an orderly shutdown), so the next instance need not wait it out. */
    public void release(String namespace, String holder) {
        jdbc.sql("delete from cluster_lease where namespace = ? and holder = ?")
                .params(namespace, holder)
                .update();
    }

    /** The lease in force, if any. */
    public Optional<Lease> current(String namespace) {
        return jdbc.sql("""
                        select holder, acquired_at, expires_at from cluster_lease
                         where namespace = ? and expires_at >= clock_timestamp()""")
                .param(namespace)
                .query((rs, n) -> new Lease(
                        rs.getString("holder"),
                        rs.getObject("acquired_at", Timestamp.class).toInstant(),
                        rs.getObject("expires_at", Timestamp.class).toInstant()))
                .optional();
    }
}
