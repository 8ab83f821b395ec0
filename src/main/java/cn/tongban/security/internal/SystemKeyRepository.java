package cn.tongban.security.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Systems' SM2 public keys and the participants' authentication settings. */
@Repository
public class SystemKeyRepository {

    private final JdbcClient jdbc;

    SystemKeyRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A registered key; {@code publicKey} is the SubjectPublicKeyInfo DER. */
    public record StoredKey(
            String keyId,
            String participantUscc,
            byte[] publicKey,
            String label,
            Instant createdAt,
            String createdBy,
            Instant revokedAt,
            String revokedBy) {}

    public Optional<StoredKey> find(String keyId) {
        return jdbc.sql("select * from system_key where key_id = ?")
                .param(keyId)
                .query(SystemKeyRepository::map)
                .optional();
    }

    public List<StoredKey> ofParticipant(String uscc) {
        return jdbc.sql("select * from system_key where participant_uscc = ? order by created_at, key_id")
                .param(uscc)
                .query(SystemKeyRepository::map)
                .list();
    }

    public boolean anyActive(String uscc) {
        return jdbc.sql("select count(*) from system_key where participant_uscc = ? and revoked_at is null")
                        .param(uscc)
                        .query(Long.class)
                        .single()
                > 0;
    }

    public void insert(StoredKey key) {
        jdbc.sql("""
                        insert into system_key (key_id, participant_uscc, public_key, label, created_at, created_by)
                        values (?, ?, ?, ?, ?, ?)""")
                .params(
                        key.keyId(),
                        key.participantUscc(),
                        key.publicKey(),
                        key.label(),
                        Timestamp.from(key.createdAt()),
                        key.createdBy())
                .update();
    }

    public int revoke(String keyId, Instant at, String by) {
        return jdbc.sql("update system_key set revoked_at = ?, revoked_by = ? where key_id = ? and revoked_at is null")
                .params(Timestamp.from(at), by, keyId)
                .update();
    }

    public boolean requiresSignedRequests(String uscc) {
        return jdbc.sql("select require_signed_requests from participant_authentication where participant_uscc = ?")
                .param(uscc)
                .query(Boolean.class)
                .optional()
                .orElse(false);
    }

    public void requireSignedRequests(String uscc, boolean required, Instant at, String by) {
        jdbc.sql("""
                        insert into participant_authentication (participant_uscc, require_signed_requests, updated_at, updated_by)
                        values (?, ?, ?, ?)
                        on conflict (participant_uscc) do update
                        set require_signed_requests = excluded.require_signed_requests,
                            updated_at = excluded.updated_at, updated_by = excluded.updated_by""").params(uscc, required, Timestamp.from(at), by).update();
    }

    private static StoredKey map(ResultSet rs, int row) throws SQLException {
        Timestamp revoked = rs.getTimestamp("revoked_at");
        return new StoredKey(
                rs.getString("key_id"),
                rs.getString("participant_uscc"),
                rs.getBytes("public_key"),
                rs.getString("label"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getString("created_by"),
                revoked == null ? null : revoked.toInstant(),
                rs.getString("revoked_by"));
    }
}
