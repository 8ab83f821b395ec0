package cn.tongban.disputes.internal;

import cn.tongban.disputes.DisputeStatus;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Disputes as stored: one row each, its answer or escalation recorded on it, never deleted. */
@Repository
public class DisputeRepository {

    private final JdbcClient jdbc;

    DisputeRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A dispute row, as V17__disputes.sql holds it. */
    public record StoredDispute(
            UUID id,
            DisputeStatus status,
            String resourceCode,
            String supplierUscc,
            String demanderUscc,
            UUID agreementId,
            String deliveryId,
            String sourceRecordId,
            List<String> fields,
            String reason,
            Instant openedAt,
            String openedBy,
            LocalDate dueOn,
            Instant closedAt,
            String closedBy,
            String outcomeReason,
            UUID correctionBatchId,
            Instant escalatedAt) {}

    /** Which disputes a list asks for; a null party or status matches any. */
    public record Filter(
            String supplierUscc, String demanderUscc, String eitherParty, DisputeStatus status, int limit) {}

    public void insert(StoredDispute d) {
        jdbc.sql("""
                        insert into dispute (id, status, resource_code, supplier_uscc, demander_uscc, agreement_id,
                            delivery_id, source_record_id, fields, reason, opened_at, opened_by, due_on)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(
                        d.id(),
                        d.status().name(),
                        d.resourceCode(),
                        d.supplierUscc(),
                        d.demanderUscc(),
                        d.agreementId(),
                        d.deliveryId(),
                        d.sourceRecordId(),
                        d.fields().toArray(String[]::new),
                        d.reason(),
                        Timestamp.from(d.openedAt()),
                        d.openedBy(),
                        java.sql.Date.valueOf(d.dueOn()))
                .update();
    }

    public Optional<StoredDispute> find(UUID id) {
        return jdbc.sql("select * from dispute where id = ?")
                .param(id)
                .query(DisputeRepository::map)
                .optional();
    }

    public boolean awaitingAnswer(String deliveryId) {
        return jdbc.sql("select count(*) from dispute where delivery_id = ? and status in ('OPEN', 'ESCALATED')")
                        .param(deliveryId)
                        .query(Long.class)
                        .single()
                > 0;
    }

    /** Records the answer unless one is recorded already; the row as answered, or empty. */
    public Optional<StoredDispute> close(
            UUID id, DisputeStatus outcome, Instant at, String by, String reason, UUID correctionBatchId) {
        return jdbc.sql("""
                        update dispute set status = ?, closed_at = ?, closed_by = ?, outcome_reason = ?,
                            correction_batch_id = ?
                        where id = ? and status in ('OPEN', 'ESCALATED') returning *""")
                .params(outcome.name(), Timestamp.from(at), by, reason, correctionBatchId, id)
                .query(DisputeRepository::map)
                .optional();
    }

    /** Escalates every open dispute whose last day to answer was before {@code today}; those escalated. */
    public List<StoredDispute> escalateOverdue(LocalDate today, Instant at) {
        return jdbc.sql("""
                        update dispute set status = 'ESCALATED', escalated_at = ?
                        where status = 'OPEN' and due_on < ? returning *""")
                .params(Timestamp.from(at), java.sql.Date.valueOf(today))
                .query(DisputeRepository::map)
                .list();
    }

    public List<StoredDispute> list(Filter f) {
        String status = f.status() == null ? null : f.status().name();
        return jdbc.sql("""
                        select * from dispute
                        where (cast(:supplier as text) is null or supplier_uscc = :supplier)
                          and (cast(:demander as text) is null or demander_uscc = :demander)
                          and (cast(:either as text) is null or supplier_uscc = :either or demander_uscc = :either)
                          and (cast(:status as text) is null or status = :status)
                        order by opened_at desc, id limit :limit""")
                .param("supplier", f.supplierUscc())
                .param("demander", f.demanderUscc())
                .param("either", f.eitherParty())
                .param("status", status)
                .param("limit", f.limit())
                .query(DisputeRepository::map)
                .list();
    }

    private static StoredDispute map(ResultSet rs, int row) throws SQLException {
        Array fields = rs.getArray("fields");
        return new StoredDispute(
                rs.getObject("id", UUID.class),
                DisputeStatus.valueOf(rs.getString("status")),
                rs.getString("resource_code"),
                rs.getString("supplier_uscc"),
                rs.getString("demander_uscc"),
                rs.getObject("agreement_id", UUID.class),
                rs.getString("delivery_id"),
                rs.getString("source_record_id"),
                List.of((String[]) fields.getArray()),
                rs.getString("reason"),
                instant(rs.getTimestamp("opened_at")),
                rs.getString("opened_by"),
                rs.getObject("due_on", LocalDate.class),
                instant(rs.getTimestamp("closed_at")),
                rs.getString("closed_by"),
                rs.getString("outcome_reason"),
                rs.getObject("correction_batch_id", UUID.class),
                instant(rs.getTimestamp("escalated_at")));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
