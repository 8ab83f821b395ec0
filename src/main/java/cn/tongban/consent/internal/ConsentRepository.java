package cn.tongban.consent.internal;

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

/** Consents as stored: a row per consent, revocation recorded on the row, never deleted. */
@Repository
public class ConsentRepository {

    private final JdbcClient jdbc;

    ConsentRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A consent row; {@code personRef} is the HMAC-SM3 of the applicant's ID number, hex. */
    public record StoredConsent(
            UUID id,
            String personRef,
            String granteeUscc,
            String resourceCode,
            List<String> fields,
            String purpose,
            String serviceItemCode,
            String caseNumber,
            String evidenceDigest,
            LocalDate validFrom,
            LocalDate validUntil,
            Instant givenAt,
            Instant recordedAt,
            String recordedBy,
            Instant revokedAt,
            String revokedBy,
            String revokeReason) {}

    public void insert(StoredConsent c) {
        jdbc.sql("""
                        insert into consent (id, person_ref, grantee_uscc, resource_code, fields, purpose,
                            service_item_code, case_number, evidence_digest, valid_from, valid_until, given_at,
                            recorded_at, recorded_by)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(
                        c.id(),
                        c.personRef(),
                        c.granteeUscc(),
                        c.resourceCode(),
                        c.fields().toArray(String[]::new),
                        c.purpose(),
                        c.serviceItemCode(),
                        c.caseNumber(),
                        c.evidenceDigest(),
                        java.sql.Date.valueOf(c.validFrom()),
                        java.sql.Date.valueOf(c.validUntil()),
                        Timestamp.from(c.givenAt()),
                        Timestamp.from(c.recordedAt()),
                        c.recordedBy())
                .update();
    }

    public Optional<StoredConsent> find(UUID id) {
        return jdbc.sql("select * from consent where id = ?")
                .param(id)
                .query(ConsentRepository::map)
                .optional();
    }

    /** Records the revocation unless one is recorded already; whether this call recorded it. */
    public boolean revoke(UUID id, Instant at, String by, String reason) {
        return jdbc.sql("""
                                update consent set revoked_at = ?, revoked_by = ?, revoke_reason = ?
                                where id = ? and revoked_at is null""").params(Timestamp.from(at), by, reason, id).update() == 1;
    }

    private static StoredConsent map(ResultSet rs, int row) throws SQLException {
        Timestamp revoked = rs.getTimestamp("revoked_at");
        Array fields = rs.getArray("fields");
        return new StoredConsent(
                rs.getObject("id", UUID.class),
                rs.getString("person_ref"),
                rs.getString("grantee_uscc"),
                rs.getString("resource_code"),
                List.of((String[]) fields.getArray()),
                rs.getString("purpose"),
                rs.getString("service_item_code"),
                rs.getString("case_number"),
                rs.getString("evidence_digest"),
                rs.getObject("valid_from", LocalDate.class),
                rs.getObject("valid_until", LocalDate.class),
                rs.getTimestamp("given_at").toInstant(),
                rs.getTimestamp("recorded_at").toInstant(),
                rs.getString("recorded_by"),
                revoked == null ? null : revoked.toInstant(),
                rs.getString("revoked_by"),
                rs.getString("revoke_reason"));
    }
}
