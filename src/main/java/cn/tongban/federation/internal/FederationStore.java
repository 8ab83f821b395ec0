package cn.tongban.federation.internal;

import cn.tongban.federation.MessageType;
import cn.tongban.federation.Peer;
import cn.tongban.federation.PeerStatus;
import cn.tongban.federation.RemoteResource;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** 联邦存储: peers, directories, remote catalog entries, messages in and out, nonces. */
@Repository
public class FederationStore {

    private final JdbcClient jdbc;

    FederationStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    // --- peers

    public void insertPeer(Peer p) {
        jdbc.sql("""
                insert into federation_peer (province, name, base_url, certificate_pem, fingerprint, status,
                    outbound_resources, inbound_resources, created_at, updated_at, updated_by)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(
                        p.province(),
                        p.name(),
                        p.baseUrl(),
                        p.certificatePem(),
                        p.fingerprint(),
                        p.status().name(),
                        p.outboundResources().toArray(String[]::new),
                        p.inboundResources().toArray(String[]::new),
                        ts(p.createdAt()),
                        ts(p.updatedAt()),
                        p.updatedBy())
                .update();
    }

    public void updatePeer(Peer p) {
        jdbc.sql("""
                update federation_peer set name = ?, base_url = ?, certificate_pem = ?, fingerprint = ?, status = ?,
                    outbound_resources = ?, inbound_resources = ?, updated_at = ?, updated_by = ?
                where province = ?""")
                .params(
                        p.name(),
                        p.baseUrl(),
                        p.certificatePem(),
                        p.fingerprint(),
                        p.status().name(),
                        p.outboundResources().toArray(String[]::new),
                        p.inboundResources().toArray(String[]::new),
                        ts(p.updatedAt()),
                        p.updatedBy(),
                        p.province())
                .update();
    }

    public Optional<Peer> peer(String province) {
        return jdbc.sql("select * from federation_peer where province = ?")
                .param(province)
                .query(FederationStore::peerOf)
                .optional();
    }

    public List<Peer> peers() {
        return jdbc.sql("select * from federation_peer order by province")
                .query(FederationStore::peerOf)
                .list();
    }

    private static Peer peerOf(ResultSet rs, int row) throws SQLException {
        return new Peer(
                rs.getString("province"),
                rs.getString("name"),
                rs.getString("base_url"),
                rs.getString("certificate_pem"),
                rs.getString("fingerprint"),
                PeerStatus.valueOf(rs.getString("status")),
                list(rs.getArray("outbound_resources")),
                list(rs.getArray("inbound_resources")),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant(),
                rs.getString("updated_by"));
    }

    // --- directories

    /** The last fetch of a peer's directory: its bytes when they verified, else why not. */
    public record DirectoryRow(
            String province,
            byte[] body,
            String signature,
            Instant issuedAt,
            Instant expiresAt,
            Instant fetchedAt,
            Instant checkedAt,
            String problem) {}

    public void saveDirectory(DirectoryRow d) {
        jdbc.sql("""
                insert into federation_directory (province, body, signature, issued_at, expires_at, fetched_at, checked_at, problem)
                values (?, ?, ?, ?, ?, ?, ?, ?)
                on conflict (province) do update set
                    body = coalesce(excluded.body, federation_directory.body),
                    signature = coalesce(excluded.signature, federation_directory.signature),
                    issued_at = coalesce(excluded.issued_at, federation_directory.issued_at),
                    expires_at = coalesce(excluded.expires_at, federation_directory.expires_at),
                    fetched_at = coalesce(excluded.fetched_at, federation_directory.fetched_at),
                    checked_at = excluded.checked_at,
                    problem = excluded.problem""")
                .params(
                        d.province(),
                        d.body(),
                        d.signature(),
                        ts(d.issuedAt()),
                        ts(d.expiresAt()),
                        ts(d.fetchedAt()),
                        ts(d.checkedAt()),
                        d.problem())
                .update();
    }

    public Optional<DirectoryRow> directory(String province) {
        return jdbc.sql("select * from federation_directory where province = ?")
                .param(province)
                .query((rs, i) -> new DirectoryRow(
                        rs.getString("province"),
                        rs.getBytes("body"),
                        rs.getString("signature"),
                        instant(rs, "issued_at"),
                        instant(rs, "expires_at"),
                        instant(rs, "fetched_at"),
                        instant(rs, "checked_at"),
                        rs.getString("problem")))
                .optional();
    }

    // --- remote catalog entries

    public void markRemoteResource(String code, String province, String subject, Instant at) {
        jdbc.sql("""
                insert into federation_remote_resource (resource_code, province, subject, imported_at) values (?, ?, ?, ?)
                on conflict (resource_code) do update set subject = excluded.subject, imported_at = excluded.imported_at""").params(code, province, subject, ts(at)).update();
    }

    public List<RemoteResource> remoteResources() {
        return jdbc.sql("select * from federation_remote_resource order by province, resource_code")
                .query((rs, i) -> new RemoteResource(
                        rs.getString("resource_code"),
                        rs.getString("province"),
                        rs.getString("subject"),
                        rs.getTimestamp("imported_at").toInstant()))
                .list();
    }

    public Optional<String> provinceOfResource(String code) {
        return jdbc.sql("select province from federation_remote_resource where resource_code = ?")
                .param(code)
                .query(String.class)
                .optional();
    }

    public void markRemoteParticipant(String uscc, String province, Instant at) {
        jdbc.sql("""
                insert into federation_remote_participant (uscc, province, seen_at) values (?, ?, ?)
                on conflict (uscc) do update set province = excluded.province, seen_at = excluded.seen_at""").params(uscc, province, ts(at)).update();
    }

    public Optional<String> provinceOfParticipant(String uscc) {
        return jdbc.sql("select province from federation_remote_participant where uscc = ?")
                .param(uscc)
                .query(String.class)
                .optional()
                .map(String::trim);
    }

    // --- agreements across platforms

    /** An agreement whose other side is at a peer; {@code remoteDemandId} is the demand filed there. */
    public record SpanningAgreement(UUID agreementId, String province, UUID remoteDemandId, String side) {}

    public void linkAgreement(SpanningAgreement a, Instant at) {
        jdbc.sql("""
                insert into federation_agreement (agreement_id, province, remote_demand_id, side, created_at)
                values (?, ?, ?, ?, ?) on conflict (agreement_id) do nothing""")
                .params(a.agreementId(), a.province(), a.remoteDemandId(), a.side(), ts(at))
                .update();
    }

    public Optional<SpanningAgreement> spanning(UUID agreementId) {
        return jdbc.sql("select * from federation_agreement where agreement_id = ?")
                .param(agreementId)
                .query((rs, i) -> new SpanningAgreement(
                        rs.getObject("agreement_id", UUID.class),
                        rs.getString("province"),
                        rs.getObject("remote_demand_id", UUID.class),
                        rs.getString("side")))
                .optional();
    }

    // --- messages

    /** A message in or out; {@code body} is encrypted at rest with key {@code bodyKeyId}. */
    public record MessageRow(
            UUID messageId,
            String direction,
            String peer,
            MessageType type,
            String conversationId,
            String contentDigest,
            String digest,
            byte[] body,
            String bodyKeyId,
            String signature,
            String status,
            int attempts,
            Instant nextAttemptAt,
            String lastError,
            byte[] receipt,
            String receiptDigest,
            String receiptSignature,
            Instant createdAt,
            Instant sentAt,
            Instant receiptedAt) {}

    public void insertMessage(MessageRow m) {
        jdbc.sql("""
                insert into federation_message (message_id, direction, peer, type, conversation_id, content_digest, digest,
                    body, body_key_id, signature, status, attempts, next_attempt_at, last_error, receipt, receipt_digest,
                    receipt_signature, created_at, sent_at, receipted_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(
                        m.messageId(),
                        m.direction(),
                        m.peer(),
                        m.type().name(),
                        m.conversationId(),
                        m.contentDigest(),
                        m.digest(),
                        m.body(),
                        m.bodyKeyId(),
                        m.signature(),
                        m.status(),
                        m.attempts(),
                        ts(m.nextAttemptAt()),
                        m.lastError(),
                        m.receipt(),
                        m.receiptDigest(),
                        m.receiptSignature(),
                        ts(m.createdAt()),
                        ts(m.sentAt()),
                        ts(m.receiptedAt()))
                .update();
    }

    public Optional<MessageRow> message(UUID id, String direction) {
        return jdbc.sql("select * from federation_message where message_id = ? and direction = ?")
                .params(id, direction)
                .query(FederationStore::messageOf)
                .optional();
    }

    /**
     * The next due outbound messages to a peer, oldest first, leased until {@code leaseUntil} so
     * another pass or instance does not send them at the same time.
     */
    public List<MessageRow> claimDue(String peer, Instant now, int limit, Instant leaseUntil) {
        // Oldest first and in order: a message backing off holds back the ones after it, so a
        // peer never sees a later message (a case's status) before an earlier one (the case).
        List<MessageRow> head = jdbc.sql("""
                select * from federation_message
                where direction = 'OUT' and peer = ? and status in ('QUEUED', 'FAILED')
                order by created_at limit ? for update skip locked""")
                .params(peer, limit)
                .query(FederationStore::messageOf)
                .list();
        List<MessageRow> due = new java.util.ArrayList<>();
        for (MessageRow row : head) {
            if (row.nextAttemptAt() != null && row.nextAttemptAt().isAfter(now)) {
                break;
            }
            due.add(row);
        }
        if (!due.isEmpty()) {
            jdbc.sql(
                            "update federation_message set next_attempt_at = ? where direction = 'OUT' and message_id = any(?)")
                    .params(
                            ts(leaseUntil),
                            due.stream().map(MessageRow::messageId).toArray(UUID[]::new))
                    .update();
        }
        return due;
    }

    /** Sent and receipted: the exact signed bytes of the attempt the receipt answers are kept, with our signature. */
    public void markReceipted(
            UUID id,
            byte[] body,
            String bodySignature,
            String digest,
            byte[] receipt,
            String receiptDigest,
            String signature,
            Instant at) {
        jdbc.sql("""
                update federation_message set status = 'RECEIPTED', body = ?, signature = ?, digest = ?, receipt = ?, receipt_digest = ?,
                    receipt_signature = ?, attempts = attempts + 1, sent_at = ?, receipted_at = ?, last_error = null,
                    next_attempt_at = null
                where message_id = ? and direction = 'OUT'""")
                .params(body, bodySignature, digest, receipt, receiptDigest, signature, ts(at), ts(at), id)
                .update();
    }

    public void markFailed(UUID id, String status, String error, Instant next, Instant at) {
        jdbc.sql("""
                update federation_message set status = ?, last_error = ?, attempts = attempts + 1, sent_at = ?,
                    next_attempt_at = ?
                where message_id = ? and direction = 'OUT'""").params(status, error, ts(at), ts(next), id).update();
    }

    private static MessageRow messageOf(ResultSet rs, int row) throws SQLException {
        return new MessageRow(
                rs.getObject("message_id", UUID.class),
                rs.getString("direction"),
                rs.getString("peer"),
                MessageType.valueOf(rs.getString("type")),
                rs.getString("conversation_id"),
                rs.getString("content_digest"),
                rs.getString("digest"),
                rs.getBytes("body"),
                rs.getString("body_key_id"),
                rs.getString("signature"),
                rs.getString("status"),
                rs.getInt("attempts"),
                instant(rs, "next_attempt_at"),
                rs.getString("last_error"),
                rs.getBytes("receipt"),
                rs.getString("receipt_digest"),
                rs.getString("receipt_signature"),
                instant(rs, "created_at"),
                instant(rs, "sent_at"),
                instant(rs, "receipted_at"));
    }

    /** What operators see of the traffic with one peer. */
    public record Traffic(
            long sent,
            long received,
            long waiting,
            long dead,
            Instant lastSentAt,
            Instant lastReceivedAt,
            Instant lastReceiptAt,
            String lastError) {}

    public Map<String, Traffic> traffic() {
        return jdbc
                .sql("""
                select peer,
                    count(*) filter (where direction = 'OUT' and status = 'RECEIPTED') sent,
                    count(*) filter (where direction = 'IN') received,
                    count(*) filter (where direction = 'OUT' and status in ('QUEUED', 'FAILED')) waiting,
                    count(*) filter (where direction = 'OUT' and status = 'DEAD') dead,
                    max(sent_at) filter (where direction = 'OUT') last_sent,
                    max(created_at) filter (where direction = 'IN') last_received,
                    max(receipted_at) filter (where direction = 'OUT') last_receipt,
                    (array_agg(last_error order by sent_at desc nulls last) filter (where direction = 'OUT' and last_error is not null))[1] last_error
                from federation_message group by peer""")
                .query((rs, i) -> Map.entry(
                        rs.getString("peer"),
                        new Traffic(
                                rs.getLong("sent"),
                                rs.getLong("received"),
                                rs.getLong("waiting"),
                                rs.getLong("dead"),
                                instant(rs, "last_sent"),
                                instant(rs, "last_received"),
                                instant(rs, "last_receipt"),
                                rs.getString("last_error"))))
                .list()
                .stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    // --- nonces

    /** Records a nonce; false when the peer used it before (a replay). */
    public boolean spendNonce(String peer, String nonce, Instant at) {
        return jdbc.sql("insert into federation_nonce (peer, nonce, seen_at) values (?, ?, ?) on conflict do nothing")
                        .params(peer, nonce, ts(at))
                        .update()
                == 1;
    }

    public int forgetNonces(Instant before) {
        return jdbc.sql("delete from federation_nonce where seen_at < ?")
                .param(ts(before))
                .update();
    }

    private static List<String> list(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }
}
