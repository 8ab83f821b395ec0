package cn.tongban.exchange.internal;

import cn.tongban.exchange.DeliveryStatus;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Intake batches, quarantine and the delivery outbox, written in batches to keep up with intake. */
@Repository
public class ExchangeStore {

    private final JdbcClient jdbc;
    private final JdbcTemplate template;

    ExchangeStore(JdbcClient jdbc, JdbcTemplate template) {
        this.jdbc = jdbc;
        this.template = template;
    }

    /** A batch as received. */
    public record BatchRow(
            UUID id,
            String resourceCode,
            String supplierUscc,
            String channel,
            String signingMode,
            Instant receivedAt,
            int recordCount,
            int accepted,
            int quarantined,
            int deliveries,
            Integer treeSize,
            byte[] merkleRoot,
            String sealedAt,
            byte[] sealSignature,
            byte[] leafHashes) {}

    /** A quarantined record. */
    public record QuarantineRow(
            UUID id,
            UUID batchId,
            String resourceCode,
            String supplierUscc,
            String sourceRecordId,
            String reasonsJson,
            byte[] payloadCipher,
            String keyId,
            String status,
            Instant receivedAt) {}

    /** One delivery in the outbox; {@code disputeId} names the dispute a correction answers (ADR 0019), else null. */
    public record DeliveryRow(
            long id,
            String idempotencyKey,
            UUID batchId,
            UUID agreementId,
            String resourceCode,
            String demanderUscc,
            UUID endpointId,
            String endpointKind,
            String endpointAddress,
            String orderKey,
            String personRef,
            String sourceRecordId,
            String serviceItemCode,
            String purpose,
            String issuedAt,
            String schemaFingerprint,
            Integer leafIndex,
            byte[] recordSignature,
            byte[] payloadCipher,
            String keyId,
            String signingKeyId,
            DeliveryStatus status,
            int attempts,
            Instant nextAttemptAt,
            String lastError,
            Instant createdAt,
            Instant deliveredAt,
            String disputeId) {}

    public void insertBatch(BatchRow b) {
        jdbc.sql("""
                        insert into exchange_batch (id, resource_code, supplier_uscc, channel, signing_mode, received_at, record_count,
                                                    accepted, quarantined, deliveries, tree_size, merkle_root, sealed_at,
                                                    seal_signature, leaf_hashes)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(
                        b.id(),
                        b.resourceCode(),
                        b.supplierUscc(),
                        b.channel(),
                        b.signingMode(),
                        Timestamp.from(b.receivedAt()),
                        b.recordCount(),
                        b.accepted(),
                        b.quarantined(),
                        b.deliveries(),
                        b.treeSize(),
                        b.merkleRoot(),
                        b.sealedAt(),
                        b.sealSignature(),
                        b.leafHashes())
                .update();
    }

    /** A batch's seal: what every envelope of a BATCH-signed batch needs for its proof. */
    public record Seal(UUID batchId, int treeSize, byte[] root, String sealedAt, byte[] signature, byte[] leafHashes) {}

    public Optional<Seal> seal(UUID batchId) {
        return jdbc.sql(
                        "select id, tree_size, merkle_root, sealed_at, seal_signature, leaf_hashes from exchange_batch where id = ? and tree_size is not null")
                .param(batchId)
                .query((rs, n) -> new Seal(
                        rs.getObject(1, UUID.class),
                        rs.getInt(2),
                        rs.getBytes(3),
                        rs.getString(4),
                        rs.getBytes(5),
                        rs.getBytes(6)))
                .optional();
    }

    public void saveSchema(String fingerprint, String schema) {
        jdbc.sql(
                        "insert into projection_schema (fingerprint, schema) values (?, ?) on conflict (fingerprint) do nothing")
                .params(fingerprint, schema)
                .update();
    }

    public Optional<String> schema(String fingerprint) {
        return jdbc.sql("select schema from projection_schema where fingerprint = ?")
                .param(fingerprint)
                .query(String.class)
                .optional();
    }

    public void insertQuarantine(List<QuarantineRow> rows) {
        template.batchUpdate("""
                insert into quarantine (id, batch_id, resource_code, supplier_uscc, source_record_id, reasons, payload_cipher, key_id,
                                        status, received_at)
                values (?, ?, ?, ?, ?, cast(? as jsonb), ?, ?, ?, ?)""", rows, 500, (ps, q) -> {
            ps.setObject(1, q.id());
            ps.setObject(2, q.batchId());
            ps.setString(3, q.resourceCode());
            ps.setString(4, q.supplierUscc());
            ps.setString(5, q.sourceRecordId());
            ps.setString(6, q.reasonsJson());
            ps.setBytes(7, q.payloadCipher());
            ps.setString(8, q.keyId());
            ps.setString(9, q.status());
            ps.setTimestamp(10, Timestamp.from(q.receivedAt()));
        });
    }

    /** Inserts deliveries; one whose idempotency key exists already (a re-sent record) is skipped. */
    public int insertDeliveries(List<DeliveryRow> rows) {
        int[][] counts = template.batchUpdate("""
                insert into delivery (idempotency_key, batch_id, agreement_id, resource_code, demander_uscc, endpoint_kind,
                                      endpoint_address, order_key, source_record_id, service_item_code, purpose, issued_at,
                                      schema_fingerprint, leaf_index, record_signature, payload_cipher, key_id, status, attempts,
                                      next_attempt_at, created_at, last_error, person_ref, delivered_at, endpoint_id,
                                      signing_key_id, dispute_id)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?)
                on conflict (idempotency_key) do nothing""", rows, 1000, (ps, d) -> {
            ps.setString(1, d.idempotencyKey());
            ps.setObject(2, d.batchId());
            ps.setObject(3, d.agreementId());
            ps.setString(4, d.resourceCode());
            ps.setString(5, d.demanderUscc());
            ps.setString(6, d.endpointKind());
            ps.setString(7, d.endpointAddress());
            ps.setString(8, d.orderKey());
            ps.setString(9, d.sourceRecordId());
            ps.setString(10, d.serviceItemCode());
            ps.setString(11, d.purpose());
            ps.setString(12, d.issuedAt());
            ps.setString(13, d.schemaFingerprint());
            if (d.leafIndex() == null) {
                ps.setNull(14, java.sql.Types.INTEGER);
            } else {
                ps.setInt(14, d.leafIndex());
            }
            ps.setBytes(15, d.recordSignature());
            ps.setBytes(16, d.payloadCipher());
            ps.setString(17, d.keyId());
            ps.setString(18, d.status().name());
            ps.setTimestamp(19, Timestamp.from(d.nextAttemptAt()));
            ps.setTimestamp(20, Timestamp.from(d.createdAt()));
            ps.setString(21, d.lastError());
            ps.setString(22, d.personRef());
            ps.setTimestamp(23, d.deliveredAt() == null ? null : Timestamp.from(d.deliveredAt()));
            ps.setObject(24, d.endpointId());
            ps.setString(25, d.signingKeyId());
            ps.setString(26, d.disputeId());
        });
        int inserted = 0;
        for (int[] batch : counts) {
            for (int count : batch) {
                // With reWriteBatchedInserts the driver reports SUCCESS_NO_INFO (-2) for rewritten rows.
                inserted += count == java.sql.Statement.SUCCESS_NO_INFO ? 1 : Math.max(count, 0);
            }
        }
        return inserted;
    }

    /**
     * Claims one endpoint's due deliveries, oldest first, and leases them until {@code leaseUntil}
     * (a {@code delivery_lease} row naming the claimed ids — only those: a crashed hub's lease
     * holds back what it was sending, not the backlog behind it — so no other claim takes them while they
     * are sent, and a crash before they are marked sends them again after the lease; the lease is
     * released with the mark). Leaves out any whose person
     * has an earlier delivery to the endpoint still pending outside the claim (backing off,
     * leased, or claimed elsewhere): that keeps each person's records in order. Two cheap queries
     * instead of an anti-join per row. With {@code onePerPerson}, at most a person's first due
     * delivery is taken: for transports that send a pass record by record, where a failure in the
     * middle must not let a person's later record overtake an earlier one. Nothing is claimed while operators have the endpoint's route
     * suspended, on whichever hub instance they did it.
     */
    /** What one claim took, its lease, and whether more was due than it took. */
    public record Claim(List<DeliveryRow> rows, boolean more, long leaseId) {}

    public Claim claimDue(
            UUID endpointId, Instant now, int limit, Instant leaseUntil, boolean onePerPerson, String holder) {
        // One claim per endpoint at a time across instances: the lease is another row, so a second
        // claim that began before the first committed would otherwise lock the same deliveries after it.
        jdbc.sql("select pg_advisory_xact_lock(hashtextextended(?, 0))")
                .param("deliver-" + endpointId)
                .query((rs, n) -> 0)
                .list();
        List<DeliveryRow> claimed = jdbc.sql("""
                        select * from delivery
                        where endpoint_id = ? and status = 'PENDING' and next_attempt_at <= ?
                          and not exists (select 1 from route_control c where c.route_id = ? and c.suspended)
                          and not exists (select 1 from delivery_lease l where l.endpoint_id = delivery.endpoint_id
                                          and l.until > ? and delivery.id = any(l.delivery_ids))
                        order by id limit ? for update skip locked""")
                .params(endpointId, Timestamp.from(now), "deliver-" + endpointId, Timestamp.from(now), limit)
                .query(ExchangeStore::delivery)
                .list();
        if (claimed.isEmpty()) {
            return new Claim(claimed, false, 0);
        }
        java.util.Map<String, Long> firstClaimed = new java.util.HashMap<>();
        for (DeliveryRow row : claimed) {
            firstClaimed.merge(row.orderKey(), row.id(), Math::min);
        }
        java.util.Map<String, Long> firstPending = new java.util.HashMap<>();
        // By the person's index alone, the endpoint told apart here: with "endpoint_id = ?" in the
        // query the planner walked the endpoint's whole backlog against the array (~200 ms a pass).
        jdbc.sql("""
                        select endpoint_id, order_key, min(id) from delivery
                        where status = 'PENDING' and order_key = any(?) group by 1, 2""").param(firstClaimed.keySet().toArray(String[]::new)).query(rs -> {
            if (endpointId.equals(rs.getObject(1, UUID.class))) {
                firstPending.put(rs.getString(2), rs.getLong(3));
            }
        });
        java.util.Set<String> taken = new java.util.HashSet<>();
        List<DeliveryRow> inOrder = claimed.stream()
                .filter(row -> firstPending.getOrDefault(row.orderKey(), row.id()) >= firstClaimed.get(row.orderKey()))
                .filter(row -> !onePerPerson || taken.add(row.orderKey()))
                .toList();
        if (inOrder.isEmpty()) {
            return new Claim(inOrder, claimed.size() >= limit, 0);
        }
        long lease = jdbc.sql("""
                        insert into delivery_lease (endpoint_id, delivery_ids, holder, until) values (?, ?, ?, ?)
                        returning id""")
                .params(endpointId, ids(inOrder), holder, Timestamp.from(leaseUntil))
                .query(Long.class)
                .single();
        return new Claim(inOrder, claimed.size() >= limit, lease);
    }

    private static Long[] ids(List<DeliveryRow> rows) {
        return rows.stream().map(DeliveryRow::id).toArray(Long[]::new);
    }

    /** Ends the leases an instance held before it stopped (at its start: nothing of it is sending yet). */
    public int releaseLeasesOf(String holder) {
        return jdbc.sql("delete from delivery_lease where holder = ?")
                .param(holder)
                .update();
    }

    /** Ends a lease once its deliveries are marked (with the mark, in its transaction), and any that ran out. */
    public void releaseLease(long leaseId, Instant now) {
        jdbc.sql("delete from delivery_lease where id = ? or until < ?")
                .params(leaseId, Timestamp.from(now))
                .update();
    }

    public void markDelivered(List<Long> ids, DeliveryStatus status, Instant at) {
        jdbc.sql(
                        "update delivery set status = ?, delivered_at = ?, attempts = attempts + 1, last_error = null where id = any(?) and status = 'PENDING'")
                .params(status.name(), Timestamp.from(at), ids.toArray(Long[]::new))
                .update();
    }

    /** Records a failed attempt for deliveries that share its outcome (one statement, however many). */
    public void markFailed(List<Long> ids, DeliveryStatus status, int attempts, Instant nextAttempt, String error) {
        jdbc.sql(
                        "update delivery set status = ?, attempts = ?, next_attempt_at = ?, last_error = ? where id = any(?) and status = 'PENDING'")
                .params(status.name(), attempts, Timestamp.from(nextAttempt), error, ids.toArray(Long[]::new))
                .update();
    }

    public Optional<DeliveryRow> delivery(long id) {
        return jdbc.sql("select * from delivery where id = ?")
                .param(id)
                .query(ExchangeStore::delivery)
                .optional();
    }

    public Optional<DeliveryRow> deliveryByKey(String idempotencyKey) {
        return jdbc.sql("select * from delivery where idempotency_key = ?")
                .param(idempotencyKey)
                .query(ExchangeStore::delivery)
                .optional();
    }

    public List<DeliveryRow> deliveriesOf(String demanderUscc, DeliveryStatus status, long afterId, int limit) {
        return jdbc.sql("""
                        select * from delivery where (cast(? as text) is null or demander_uscc = ?) and status = ? and id > ?
                        order by id limit ?""")
                .params(demanderUscc, demanderUscc, status.name(), afterId, limit)
                .query(ExchangeStore::delivery)
                .list();
    }

    /** Acknowledges mailbox deliveries; returns those that were waiting. */
    public List<DeliveryRow> acknowledge(String demanderUscc, List<Long> ids, Instant at) {
        return jdbc.sql("""
                        update delivery set status = 'ACKED', delivered_at = ?
                        where demander_uscc = ? and status = 'AVAILABLE' and id = any(?) returning *""")
                .params(Timestamp.from(at), demanderUscc, ids.toArray(Long[]::new))
                .query(ExchangeStore::delivery)
                .list();
    }

    /** Which of these idempotency keys are already in the outbox (a re-sent record). */
    public java.util.Set<String> existingKeys(List<String> keys) {
        if (keys.isEmpty()) {
            return java.util.Set.of();
        }
        return new java.util.HashSet<>(jdbc.sql("select idempotency_key from delivery where idempotency_key = any(?)")
                .param(keys.toArray(String[]::new))
                .query(String.class)
                .list());
    }

    public int replay(long id, Instant now) {
        return jdbc.sql("""
                        update delivery set attempts = 0, next_attempt_at = ?, last_error = null,
                               status = case when endpoint_kind = 'MAILBOX' then 'AVAILABLE' else 'PENDING' end,
                               delivered_at = case when endpoint_kind = 'MAILBOX' then cast(? as timestamptz) end
                        where id = ? and status = 'DEAD'""")
                .params(Timestamp.from(now), Timestamp.from(now), id)
                .update();
    }

    /** Puts every dead letter of one endpoint back in its outbox; returns those replayed. */
    public List<DeliveryRow> replayEndpoint(UUID endpointId, Instant now) {
        return jdbc.sql("""
                        update delivery set status = 'PENDING', attempts = 0, next_attempt_at = ?, last_error = null
                        where endpoint_id = ? and status = 'DEAD' returning *""")
                .params(Timestamp.from(now), endpointId)
                .query(ExchangeStore::delivery)
                .list();
    }

    /** Dead-letters what an endpoint still had pending when it left the catalog; returns those rows. */
    public List<DeliveryRow> deadLetterPending(UUID endpointId, String reason) {
        return jdbc.sql("""
                        update delivery set status = 'DEAD', last_error = ?
                        where endpoint_id = ? and status = 'PENDING' returning *""")
                .params(reason, endpointId)
                .query(ExchangeStore::delivery)
                .list();
    }

    /** What waits for one endpoint: pending deliveries, the oldest one's creation, and dead letters. */
    public record EndpointBacklog(UUID endpointId, long pending, Instant oldestPending, long dead) {}

    public java.util.Map<UUID, EndpointBacklog> endpointBacklogs() {
        java.util.Map<UUID, EndpointBacklog> backlogs = new java.util.HashMap<>();
        jdbc.sql("""
                        select endpoint_id, count(*) filter (where status = 'PENDING'),
                               min(created_at) filter (where status = 'PENDING'), count(*) filter (where status = 'DEAD')
                        from delivery where status in ('PENDING', 'DEAD') and endpoint_id is not null
                        group by endpoint_id""").query(rs -> {
            UUID id = rs.getObject(1, UUID.class);
            Timestamp oldest = rs.getTimestamp(3);
            backlogs.put(
                    id,
                    new EndpointBacklog(id, rs.getLong(2), oldest == null ? null : oldest.toInstant(), rs.getLong(4)));
        });
        return backlogs;
    }

    public long heldInQuarantine() {
        return jdbc.sql("select count(*) from quarantine where status = 'HELD'")
                .query(Long.class)
                .single();
    }

    public List<DeliveryRow> bySource(String resourceCode, String sourceRecordId) {
        return jdbc.sql("select * from delivery where resource_code = ? and source_record_id = ? order by id")
                .params(resourceCode, sourceRecordId)
                .query(ExchangeStore::delivery)
                .list();
    }

    public Optional<QuarantineRow> quarantined(UUID id) {
        return jdbc.sql(
                        "select id, batch_id, resource_code, supplier_uscc, source_record_id, reasons::text, payload_cipher, key_id, status, received_at from quarantine where id = ?")
                .param(id)
                .query(ExchangeStore::quarantine)
                .optional();
    }

    public List<QuarantineRow> quarantine(String supplierUscc, String resourceCode, String status, int limit) {
        return jdbc.sql("""
                        select id, batch_id, resource_code, supplier_uscc, source_record_id, reasons::text, payload_cipher, key_id, status,
                               received_at
                        from quarantine
                        where (cast(? as text) is null or supplier_uscc = ?) and (cast(? as text) is null or resource_code = ?)
                          and status = ?
                        order by received_at desc limit ?""")
                .params(supplierUscc, supplierUscc, resourceCode, resourceCode, status, limit)
                .query(ExchangeStore::quarantine)
                .list();
    }

    public void resolveQuarantine(UUID id, String status, Instant at, String by) {
        jdbc.sql("update quarantine set status = ?, resolved_at = ?, resolved_by = ? where id = ?")
                .params(status, Timestamp.from(at), by, id)
                .update();
    }

    /** Counts by status, for health and the demo's status page. */
    public java.util.Map<String, Long> deliveryCounts() {
        java.util.Map<String, Long> counts = new java.util.TreeMap<>();
        jdbc.sql("select status, count(*) from delivery group by status").query(rs -> {
            counts.put(rs.getString(1), rs.getLong(2));
        });
        return counts;
    }

    private static DeliveryRow delivery(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        Timestamp delivered = rs.getTimestamp("delivered_at");
        return new DeliveryRow(
                rs.getLong("id"),
                rs.getString("idempotency_key"),
                rs.getObject("batch_id", UUID.class),
                rs.getObject("agreement_id", UUID.class),
                rs.getString("resource_code"),
                rs.getString("demander_uscc"),
                rs.getObject("endpoint_id", UUID.class),
                rs.getString("endpoint_kind"),
                rs.getString("endpoint_address"),
                rs.getString("order_key"),
                rs.getString("person_ref"),
                rs.getString("source_record_id"),
                rs.getString("service_item_code"),
                rs.getString("purpose"),
                rs.getString("issued_at"),
                rs.getString("schema_fingerprint"),
                (Integer) rs.getObject("leaf_index"),
                rs.getBytes("record_signature"),
                rs.getBytes("payload_cipher"),
                rs.getString("key_id"),
                rs.getString("signing_key_id"),
                DeliveryStatus.valueOf(rs.getString("status")),
                rs.getInt("attempts"),
                rs.getTimestamp("next_attempt_at").toInstant(),
                rs.getString("last_error"),
                rs.getTimestamp("created_at").toInstant(),
                delivered == null ? null : delivered.toInstant(),
                rs.getString("dispute_id"));
    }

    private static QuarantineRow quarantine(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new QuarantineRow(
                rs.getObject(1, UUID.class),
                rs.getObject(2, UUID.class),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getBytes(7),
                rs.getString(8),
                rs.getString(9),
                rs.getTimestamp(10).toInstant());
    }

    /** Where a pull stands: the supplier's cursor (null before the first page). */
    public record PullCursor(UUID endpointId, String resourceCode, String cursor) {}

    /**
     * Claims a due feed for this transaction: its row is created on first sight and locked, or
     * nothing when another transaction (another hub instance) holds it or it is not due yet.
     */
    public Optional<PullCursor> claimPull(UUID endpointId, String resourceCode, Instant now) {
        jdbc.sql(
                        "insert into pull_cursor (endpoint_id, resource_code, next_poll_at) values (?, ?, ?) on conflict do nothing")
                .params(endpointId, resourceCode, Timestamp.from(now))
                .update();
        return jdbc.sql("""
                        select * from pull_cursor where endpoint_id = ? and resource_code = ? and next_poll_at <= ?
                        for update skip locked""")
                .param(endpointId)
                .param(resourceCode)
                .param(Timestamp.from(now))
                .query((rs, n) -> new PullCursor(endpointId, resourceCode, rs.getString("cursor_value")))
                .optional();
    }

    /** Records a poll's outcome; the cursor moves only with the records it covers (same transaction). */
    public void savePull(
            UUID endpointId,
            String resourceCode,
            String cursor,
            Instant polledAt,
            Instant next,
            String outcome,
            int records) {
        jdbc.sql("""
                        insert into pull_cursor (endpoint_id, resource_code, cursor_value, next_poll_at, last_polled_at,
                                                 last_outcome, records_pulled)
                        values (?, ?, ?, ?, ?, ?, ?)
                        on conflict (endpoint_id, resource_code) do update set
                            cursor_value = excluded.cursor_value, next_poll_at = excluded.next_poll_at,
                            last_polled_at = excluded.last_polled_at, last_outcome = excluded.last_outcome,
                            records_pulled = pull_cursor.records_pulled + excluded.records_pulled
                        """)
                .param(endpointId)
                .param(resourceCode)
                .param(new org.springframework.jdbc.core.SqlParameterValue(java.sql.Types.VARCHAR, cursor))
                .param(Timestamp.from(next))
                .param(Timestamp.from(polledAt))
                .param(outcome)
                .param(records)
                .update();
    }

    /**
     * Takes one message of the intake topic for this transaction: true when no transaction took it
     * before (its offset is past the partition's last one taken). A second consumer of the same
     * message — after a rebalance, or a crash before the Kafka commit — waits on the row while the
     * first one's transaction is open and then finds it taken, so a message is taken in once.
     */
    public boolean takeIntakeMessage(String topic, int partition, long offset, String instanceId, Instant at) {
        return !jdbc.sql("""
                        insert into exchange_intake_offset (topic, partition, next_offset, taken_by, taken_at)
                        values (?, ?, ?, ?, ?)
                        on conflict (topic, partition) do update set
                            next_offset = excluded.next_offset, taken_by = excluded.taken_by, taken_at = excluded.taken_at
                        where exchange_intake_offset.next_offset <= ?
                        returning 1""")
                .params(topic, partition, offset + 1, instanceId, Timestamp.from(at), offset)
                .query(Integer.class)
                .list()
                .isEmpty();
    }

    /** A batch as stored, for its supplier's question "what became of it". */
    public Optional<BatchRow> batch(UUID id) {
        return jdbc.sql("""
                        select id, resource_code, supplier_uscc, channel, signing_mode, received_at, record_count, accepted,
                               quarantined, deliveries, tree_size
                        from exchange_batch where id = ?""")
                .param(id)
                .query((rs, n) -> new BatchRow(
                        rs.getObject(1, UUID.class),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getTimestamp(6).toInstant(),
                        rs.getInt(7),
                        rs.getInt(8),
                        rs.getInt(9),
                        rs.getInt(10),
                        (Integer) rs.getObject(11),
                        null,
                        null,
                        null,
                        null))
                .optional();
    }

    /**
     * The records of a batch that are held in quarantine (any status), by source record id; their
     * payloads are not read (the answer never shows them).
     */
    public List<QuarantineRow> quarantineOfBatch(UUID batchId) {
        return jdbc.sql("""
                        select id, batch_id, resource_code, supplier_uscc, source_record_id, reasons::text, null::bytea, key_id, status,
                               received_at
                        from quarantine where batch_id = ? order by source_record_id""").param(batchId).query(ExchangeStore::quarantine).list();
    }
}
