package cn.tongban.ledger.internal;

import cn.tongban.ledger.LedgerEntry;
import cn.tongban.ledger.LedgerEvent;
import cn.tongban.ledger.LedgerLeaf;
import cn.tongban.ledger.LedgerSeal;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The ledger tables: events (monthly partitions), the chain head and the seals. */
@Repository
public class LedgerStore {

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final JdbcTemplate streaming;

    LedgerStore(JdbcClient jdbc, JdbcTemplate template) {
        this.jdbc = jdbc;
        this.template = template;
        this.streaming = new JdbcTemplate(template.getDataSource());
        this.streaming.setFetchSize(5000);
    }

    /** The chain head: last sequence number and hash. */
    public record Head(long seq, byte[] hash) {}

    /** Locks the head until the transaction ends: appends are serialised, so chain order is commit order. */
    public Head lockHead() {
        return jdbc.sql("select seq, hash from ledger_head where id = 1 for update")
                .query((rs, n) -> new Head(rs.getLong(1), rs.getBytes(2)))
                .single();
    }

    /** The last committed head, without locking. */
    public Head head() {
        return jdbc.sql("select seq, hash from ledger_head where id = 1")
                .query((rs, n) -> new Head(rs.getLong(1), rs.getBytes(2)))
                .single();
    }

    private void moveHead(long seq, byte[] hash) {
        jdbc.sql("update ledger_head set seq = ?, hash = ? where id = 1")
                .params(seq, hash)
                .update();
    }

    private static final String EVENT_COLUMNS = """
            insert into ledger_event (seq, occurred_at, type, actor, participant_uscc, resource_code, agreement_id, purpose,
                                      service_item, outcome, source_record_id, delivery_key, person_ref, payload_digest,
                                      details, prev_hash, hash)
            values """;

    private static final String EVENT_VALUES = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private static final int EVENT_PARAMETERS = 17;

    /** Groups up to this size are written with the head in one statement; larger ones by batch. */
    public static final int ONE_STATEMENT_MAX = 32;

    private static final String[] ONE_STATEMENT = new String[ONE_STATEMENT_MAX + 1];

    static {
        for (int n = 1; n <= ONE_STATEMENT_MAX; n++) {
            ONE_STATEMENT[n] = "with head as (update ledger_head set seq = ?, hash = ? where id = 1) "
                    + EVENT_COLUMNS
                    + String.join(", ", java.util.Collections.nCopies(n, EVENT_VALUES));
        }
    }

    /**
     * Inserts chained events and moves the head to the last of them. A group of up to
     * {@link #ONE_STATEMENT_MAX} goes in one statement — one round trip fewer for the group commit of
     * synchronous queries, whose callers wait for it (PostgreSQL runs a data-modifying WITH exactly
     * once whether or not its result is read); a larger one by batch, then the head.
     */
    public void insertMovingHead(List<LedgerEvent> events) {
        int n = events.size();
        if (n == 0) {
            return;
        }
        LedgerEvent last = events.get(n - 1);
        if (n > ONE_STATEMENT_MAX) {
            template.batchUpdate(EVENT_COLUMNS + EVENT_VALUES, events, 2000, (ps, e) -> bind(ps, 0, e));
            moveHead(last.seq(), last.hash());
        } else {
            template.update(ONE_STATEMENT[n], ps -> {
                ps.setLong(1, last.seq());
                ps.setBytes(2, last.hash());
                for (int i = 0; i < n; i++) {
                    bind(ps, 2 + i * EVENT_PARAMETERS, events.get(i));
                }
            });
        }
        insertLeaves(events);
    }

    /** A leaf in its place: the event that covers it and its index there. */
    private record PlacedLeaf(LedgerEvent event, int index, LedgerLeaf leaf) {}

    private void insertLeaves(List<LedgerEvent> events) {
        List<PlacedLeaf> placed = new ArrayList<>();
        for (LedgerEvent event : events) {
            List<LedgerLeaf> leaves = event.entry().leaves();
            for (int i = 0; i < leaves.size(); i++) {
                placed.add(new PlacedLeaf(event, i, leaves.get(i)));
            }
        }
        if (placed.isEmpty()) {
            return;
        }
        template.batchUpdate("""
                insert into ledger_leaf (seq, occurred_at, leaf_index, resource_code, delivery_key, source_record_id,
                                         person_ref, digest)
                values (?, ?, ?, ?, ?, ?, ?, ?)""", placed, 2000, (ps, p) -> {
            ps.setLong(1, p.event().seq());
            ps.setTimestamp(2, Timestamp.from(p.event().entry().at()));
            ps.setInt(3, p.index());
            ps.setString(4, p.event().entry().resourceCode());
            ps.setString(5, p.leaf().deliveryKey());
            ps.setString(6, p.leaf().sourceRecordId());
            ps.setString(7, p.leaf().personRef());
            ps.setString(8, p.leaf().digest());
        });
    }

    /** The leaves of one event, in order (none for an event that names its one delivery itself). */
    public List<LedgerLeaf> leaves(long seq) {
        return jdbc.sql("""
                        select delivery_key, source_record_id, person_ref, digest from ledger_leaf where seq = ?
                        order by leaf_index""")
                .param(seq)
                .query((rs, n) -> new LedgerLeaf(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)))
                .list();
    }

    private static void bind(java.sql.PreparedStatement ps, int offset, LedgerEvent e) throws SQLException {
        LedgerEntry x = e.entry();
        ps.setLong(offset + 1, e.seq());
        ps.setTimestamp(offset + 2, Timestamp.from(x.at()));
        ps.setString(offset + 3, x.type());
        ps.setString(offset + 4, x.actor());
        ps.setString(offset + 5, x.participantUscc());
        ps.setString(offset + 6, x.resourceCode());
        ps.setObject(offset + 7, x.agreementId(), java.sql.Types.OTHER);
        ps.setString(offset + 8, x.purpose());
        ps.setString(offset + 9, x.serviceItemCode());
        ps.setString(offset + 10, x.outcome());
        ps.setString(offset + 11, x.sourceRecordId());
        ps.setString(offset + 12, x.deliveryKey());
        ps.setString(offset + 13, x.personRef());
        ps.setString(offset + 14, x.payloadDigest());
        ps.setString(offset + 15, x.details());
        ps.setBytes(offset + 16, e.prevHash());
        ps.setBytes(offset + 17, e.hash());
    }

    /** A search: every filter optional; newest first. */
    public record Filter(
            String participantUscc,
            String resourceCode,
            UUID agreementId,
            String personRef,
            String serviceItemCode,
            String outcome,
            String type,
            Instant from,
            Instant to) {}

    public List<LedgerEvent> search(Filter f, int offset, int limit) {
        Query q = where(f);
        q.sql.append(" order by occurred_at desc, seq desc offset ? limit ?");
        q.params.add(offset);
        q.params.add(limit);
        return jdbc.sql(q.sql.toString())
                .params(q.params)
                .query(LedgerStore::event)
                .list();
    }

    /** Every event matching the filter, oldest first, streamed (for evidence bundles). */
    public void each(Filter f, long maxSeq, int max, Consumer<LedgerEvent> sink) {
        Query q = where(f);
        q.sql.append(" and seq <= ? order by seq limit ?");
        q.params.add(maxSeq);
        q.params.add(max);
        streaming.query(
                q.sql.toString(),
                rs -> {
                    sink.accept(event(rs, 0));
                },
                q.params.toArray());
    }

    public List<Map<String, Object>> summary(Filter f) {
        Query q = where(f);
        String sql = q.sql.toString()
                .replace("select * from ledger_event", "select type, outcome, count(*) as events from ledger_event");
        return jdbc.sql(sql + " group by type, outcome order by type, outcome")
                .params(q.params)
                .query()
                .listOfRows();
    }

    /** The events naming the record, in their columns or as a leaf, in chain order. */
    public List<LedgerEvent> lineage(String resourceCode, String sourceRecordId) {
        return jdbc.sql("""
                        select * from ledger_event where (seq, occurred_at) in (
                            select seq, occurred_at from ledger_event where resource_code = ? and source_record_id = ?
                            union
                            select seq, occurred_at from ledger_leaf where resource_code = ? and source_record_id = ?)
                        order by seq""")
                .params(resourceCode, sourceRecordId, resourceCode, sourceRecordId)
                .query(LedgerStore::event)
                .list();
    }

    /** Events {@code from..to} in order, streamed in pages. */
    public void range(long from, long to, Consumer<LedgerEvent> sink) {
        long next = from;
        while (next <= to) {
            List<LedgerEvent> page = jdbc.sql("select * from ledger_event where seq between ? and ? order by seq")
                    .params(next, Math.min(to, next + 9_999))
                    .query(LedgerStore::event)
                    .list();
            page.forEach(sink);
            next += 10_000;
        }
    }

    public List<byte[]> hashes(long from, long to) {
        return jdbc.sql("select hash from ledger_event where seq between ? and ? order by seq")
                .params(from, to)
                .query((rs, n) -> rs.getBytes(1))
                .list();
    }

    /** The lowest sequence number still in the database, or the next one to be written. */
    public long firstSeq() {
        return jdbc.sql("select coalesce((select min(seq) from ledger_event), (select seq + 1 from ledger_head))")
                .query(Long.class)
                .single();
    }

    /** Sequence number to hash for the events {@code from..to} still in the database. */
    public Map<Long, byte[]> seqHashes(long from, long to) {
        Map<Long, byte[]> hashes = new HashMap<>();
        jdbc.sql("select seq, hash from ledger_event where seq between ? and ?")
                .params(from, to)
                .query(rs -> {
                    hashes.put(rs.getLong(1), rs.getBytes(2));
                });
        return hashes;
    }

    public Optional<LedgerSeal> lastSeal() {
        return jdbc.sql("select * from ledger_seal order by id desc limit 1")
                .query(LedgerStore::seal)
                .optional();
    }

    public Optional<LedgerSeal> sealCovering(long seq) {
        return jdbc.sql("select * from ledger_seal where to_seq >= ? and from_seq <= ? order by id limit 1")
                .params(seq, seq)
                .query(LedgerStore::seal)
                .optional();
    }

    public List<LedgerSeal> seals(long fromId, long toId) {
        return jdbc.sql("select * from ledger_seal where id between ? and ? order by id")
                .params(fromId, toId)
                .query(LedgerStore::seal)
                .list();
    }

    public void insertSeal(LedgerSeal s) {
        jdbc.sql("""
                        insert into ledger_seal (id, from_seq, to_seq, tree_size, root, prev_seal_hash, sealed_at, key_id,
                                                 signature, seal_hash)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(
                        s.id(),
                        s.fromSeq(),
                        s.toSeq(),
                        s.treeSize(),
                        s.root(),
                        s.prevSealHash(),
                        s.sealedAt(),
                        s.keyId(),
                        s.signature(),
                        s.sealHash())
                .update();
    }

    /** Only one sealer at a time, across hub instances. */
    public boolean trySealLock() {
        return Boolean.TRUE.equals(jdbc.sql("select pg_try_advisory_xact_lock(7301001)")
                .query(Boolean.class)
                .single());
    }

    /** Waits for the sealer's lock (held until the transaction ends). */
    public void sealLock() {
        jdbc.sql("select pg_advisory_xact_lock(7301001)").query().listOfRows();
    }

    /** The first days of the months that have a partition of their own, oldest first. */
    public List<LocalDate> partitionMonths() {
        return jdbc.sql("""
                        select c.relname from pg_inherits i
                        join pg_class c on c.oid = i.inhrelid
                        join pg_class p on p.oid = i.inhparent
                        where p.relname = 'ledger_event' and c.relname ~ '^ledger_event_y[0-9]{4}m[0-9]{2}$'
                        order by c.relname""").query((rs, n) -> rs.getString(1)).list().stream()
                .map(name -> LocalDate.of(
                        Integer.parseInt(name.substring(14, 18)), Integer.parseInt(name.substring(19, 21)), 1))
                .toList();
    }

    /** First and last sequence number and count of one month's partition (zeros when empty). */
    public record MonthSpan(long firstSeq, long lastSeq, long events) {}

    public MonthSpan span(LocalDate month) {
        return jdbc.sql("select coalesce(min(seq), 0), coalesce(max(seq), 0), count(*) from " + partition(month))
                .query((rs, n) -> new MonthSpan(rs.getLong(1), rs.getLong(2), rs.getLong(3)))
                .single();
    }

    /** The lowest sequence number outside that month's partition, or the next one to be written. */
    public long firstSeqOutside(LocalDate month) {
        LocalDate first = month.withDayOfMonth(1);
        return jdbc.sql("""
                        select coalesce((select min(seq) from ledger_event
                                         where occurred_at < ? or occurred_at >= ?),
                                        (select seq + 1 from ledger_head where id = 1))""")
                .params(
                        Timestamp.from(first.atStartOfDay(ZoneOffset.UTC).toInstant()),
                        Timestamp.from(
                                first.plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant()))
                .query(Long.class)
                .single();
    }

    /** {@code (seq, hash)} of the month's events from {@code fromSeq} on, packed as 40-byte records. */
    public byte[] packedHashes(LocalDate month, long fromSeq) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        jdbc.sql("select seq, hash from " + partition(month) + " where seq >= ? order by seq")
                .param(fromSeq)
                .query(rs -> {
                    out.writeBytes(ByteBuffer.allocate(8).putLong(rs.getLong(1)).array());
                    out.writeBytes(rs.getBytes(2));
                });
        return out.toByteArray();
    }

    /** One archived month, as the chain check and auditors see it. */
    public record Archive(
            LocalDate month,
            String fileName,
            String fileSm3,
            long events,
            long firstSeq,
            long lastSeq,
            byte[] boundary,
            Instant archivedAt,
            String archivedBy) {}

    public void insertArchive(Archive a) {
        jdbc.sql("""
                        insert into ledger_archive (month, file_name, file_sm3, events, first_seq, last_seq, boundary,
                                                    archived_at, archived_by)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(
                        a.month(),
                        a.fileName(),
                        a.fileSm3(),
                        a.events(),
                        a.firstSeq(),
                        a.lastSeq(),
                        a.boundary(),
                        Timestamp.from(a.archivedAt()),
                        a.archivedBy())
                .update();
    }

    public List<Archive> archives() {
        return jdbc.sql("select * from ledger_archive order by month")
                .query((rs, n) -> new Archive(
                        rs.getObject("month", LocalDate.class),
                        rs.getString("file_name"),
                        rs.getString("file_sm3"),
                        rs.getLong("events"),
                        rs.getLong("first_seq"),
                        rs.getLong("last_seq"),
                        rs.getBytes("boundary"),
                        rs.getTimestamp("archived_at").toInstant(),
                        rs.getString("archived_by")))
                .list();
    }

    /**
     * Drops an archived month's partitions (its rows are in the archive file), through a function
     * that runs as the tables' owner and refuses a month without its archive row (V11).
     */
    public void dropPartition(LocalDate month) {
        // Dropping a partition locks the whole ledger briefly; do not queue behind a long export forever.
        jdbc.sql("set local lock_timeout = '30s'").update();
        jdbc.sql("select ledger_drop_archived_partition(?)")
                .param(month.withDayOfMonth(1))
                .query()
                .listOfRows();
    }

    /** Only one archiver at a time, across hub instances (held until the transaction ends). */
    public void archiveLock() {
        jdbc.sql("select pg_advisory_xact_lock(7301002)").query().listOfRows();
    }

    private static String partition(LocalDate month) {
        LocalDate first = month.withDayOfMonth(1);
        return "ledger_event_y%dm%02d".formatted(first.getYear(), first.getMonthValue());
    }

    /**
     * Creates the monthly partitions (events and their leaves) holding {@code month} if missing,
     * through a function that runs as the tables' owner: the hub's own role owns no ledger table (V11).
     */
    public boolean ensurePartition(LocalDate month) {
        return Boolean.TRUE.equals(jdbc.sql("select ledger_ensure_partition(?)")
                .param(month.withDayOfMonth(1))
                .query(Boolean.class)
                .single());
    }

    private record Query(StringBuilder sql, List<Object> params) {}

    private static Query where(Filter f) {
        StringBuilder sql = new StringBuilder("select * from ledger_event where true");
        List<Object> params = new ArrayList<>();
        add(sql, params, "participant_uscc", f.participantUscc());
        add(sql, params, "resource_code", f.resourceCode());
        add(sql, params, "agreement_id", f.agreementId());
        if (f.personRef() != null) {
            // The person is named in the event's own column or as one of its leaves.
            sql.append(" and (seq, occurred_at) in (select seq, occurred_at from ledger_event where person_ref = ?"
                    + " union select seq, occurred_at from ledger_leaf where person_ref = ?)");
            params.add(f.personRef());
            params.add(f.personRef());
        }
        add(sql, params, "service_item", f.serviceItemCode());
        add(sql, params, "outcome", f.outcome());
        add(sql, params, "type", f.type());
        if (f.from() != null) {
            sql.append(" and occurred_at >= ?");
            params.add(Timestamp.from(f.from()));
        }
        if (f.to() != null) {
            sql.append(" and occurred_at < ?");
            params.add(Timestamp.from(f.to()));
        }
        return new Query(sql, params);
    }

    private static void add(StringBuilder sql, List<Object> params, String column, Object value) {
        if (value != null) {
            sql.append(" and ").append(column).append(" = ?");
            params.add(value);
        }
    }

    static LedgerEvent event(ResultSet rs, int row) throws SQLException {
        return new LedgerEvent(
                rs.getLong("seq"),
                new LedgerEntry(
                        rs.getTimestamp("occurred_at").toInstant(),
                        rs.getString("type"),
                        rs.getString("actor"),
                        rs.getString("participant_uscc"),
                        rs.getString("resource_code"),
                        rs.getObject("agreement_id", UUID.class),
                        rs.getString("purpose"),
                        rs.getString("service_item"),
                        rs.getString("outcome"),
                        rs.getString("source_record_id"),
                        rs.getString("delivery_key"),
                        rs.getString("person_ref"),
                        rs.getString("payload_digest"),
                        rs.getString("details")),
                rs.getBytes("prev_hash"),
                rs.getBytes("hash"));
    }

    static LedgerSeal seal(ResultSet rs, int row) throws SQLException {
        return new LedgerSeal(
                rs.getLong("id"),
                rs.getLong("from_seq"),
                rs.getLong("to_seq"),
                rs.getInt("tree_size"),
                rs.getBytes("root"),
                rs.getBytes("prev_seal_hash"),
                rs.getString("sealed_at"),
                rs.getString("key_id"),
                rs.getBytes("signature"),
                rs.getBytes("seal_hash"));
    }
}
