package cn.tongban.consent;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * 授权同意: an applicant's consent that a notary office (the grantee) may have the listed fields of
 * one resource verified, for one purpose and service item, within its validity. The applicant is
 * named only by {@code personRef} (HMAC-SM3 of the ID number); {@code evidenceDigest} is the SM3 of
 * the signed consent form the notary keeps.
 */
public record Consent(
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
        String revokeReason,
        Status status) {

    /** Derived from validity and revocation on the day asked, never stored. */
    public enum Status {
        VALID,
        NOT_YET_VALID,
        EXPIRED,
        REVOKED
    }

    static Status status(LocalDate validFrom, LocalDate validUntil, Instant revokedAt, LocalDate today) {
        if (revokedAt != null) {
            return Status.REVOKED;
        }
        if (today.isBefore(validFrom)) {
            return Status.NOT_YET_VALID;
        }
        return today.isAfter(validUntil) ? Status.EXPIRED : Status.VALID;
    }

    public boolean covers(String field) {
        return fields.contains(field);
    }
}
