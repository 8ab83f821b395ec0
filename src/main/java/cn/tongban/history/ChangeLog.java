package cn.tongban.history;

import java.time.Clock;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * 变更记录: keeps every change to the catalog, agreements and accounts — who, when, before and
 * after — in the same transaction as the change, so a change without its record cannot exist.
 */
@Component
public class ChangeLog {

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Clock clock;

    private final org.springframework.context.ApplicationEventPublisher events;

    ChangeLog(
            JdbcClient jdbc,
            JsonMapper json,
            Clock clock,
            org.springframework.context.ApplicationEventPublisher events) {
        this.events = events;
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    /** Records a change; {@code before} is null for a creation, {@code after} null for a removal. */
    public void record(String actor, String entityType, String entityId, String action, Object before, Object after) {
        record(actor, entityType, entityId, action, before, after, null);
    }

    /** Records a change made for a stated reason (an operator's action), which the ledger keeps too. */
    public void record(
            String actor,
            String entityType,
            String entityId,
            String action,
            Object before,
            Object after,
            String reason) {
        java.time.Instant at = clock.instant();
        String afterJson = after == null ? null : json.writeValueAsString(after);
        events.publishEvent(new ChangeRecorded(
                actor,
                entityType,
                entityId,
                action,
                afterJson == null
                        ? null
                        : java.util.HexFormat.of()
                                .formatHex(cn.tongban.signing.Sm3.digest(
                                        afterJson.getBytes(java.nio.charset.StandardCharsets.UTF_8))),
                reason,
                at));
        jdbc.sql("""
                        insert into catalog_change (at, actor, entity_type, entity_id, action, before, after)
                        values (?, ?, ?, ?, ?, cast(? as jsonb), cast(? as jsonb))""")
                .params(
                        java.sql.Timestamp.from(at),
                        actor,
                        entityType,
                        entityId,
                        action,
                        before == null ? null : json.writeValueAsString(before),
                        afterJson)
                .update();
    }

    /** A change was recorded (the ledger listens): what changed, and the SM3 digest of its new state. */
    public record ChangeRecorded(
            String actor,
            String entityType,
            String entityId,
            String action,
            String afterDigest,
            String reason,
            java.time.Instant at) {}

    public List<Change> changes(String entityType, String entityId, int limit) {
        return jdbc.sql("""
                        select id, at, actor, entity_type, entity_id, action, before::text, after::text
                        from catalog_change
                        where (cast(? as text) is null or entity_type = ?) and (cast(? as text) is null or entity_id = ?)
                        order by id desc limit ?""")
                .params(entityType, entityType, entityId, entityId, limit)
                .query((rs, n) -> new Change(
                        rs.getLong(1),
                        rs.getTimestamp(2).toInstant(),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getString(7) == null ? null : json.readTree(rs.getString(7)),
                        rs.getString(8) == null ? null : json.readTree(rs.getString(8))))
                .list();
    }

    /** One recorded change. */
    public record Change(
            long id,
            java.time.Instant at,
            String actor,
            String entityType,
            String entityId,
            String action,
            tools.jackson.databind.JsonNode before,
            tools.jackson.databind.JsonNode after) {}
}
