package cn.tongban.exchange.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Which routes operators suspended, kept so that a suspended route starts suspended. */
@Repository
public class RouteControlStore {

    private final JdbcClient jdbc;

    RouteControlStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void save(String routeId, boolean suspended, String reason, String by, Instant at) {
        jdbc.sql("""
                        insert into route_control (route_id, suspended, reason, changed_by, changed_at)
                        values (?, ?, ?, ?, ?)
                        on conflict (route_id) do update
                        set suspended = excluded.suspended, reason = excluded.reason,
                            changed_by = excluded.changed_by, changed_at = excluded.changed_at""").params(routeId, suspended, reason, by, Timestamp.from(at)).update();
    }

    public Set<String> suspended() {
        return Set.copyOf(jdbc.sql("select route_id from route_control where suspended")
                .query(String.class)
                .list());
    }
}
