package cn.tongban.catalog;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * 共享协议: what a demander may receive of a resource, for which service item and purpose, until
 * when, with which masking. Exchange routes obey only this.
 */
public record Agreement(
        UUID id,
        UUID demandId,
        String resourceCode,
        String providerUscc,
        String demanderUscc,
        String serviceItemCode,
        String purpose,
        String legalBasis,
        LocalDate validFrom,
        LocalDate expiresOn,
        LocalDate filedOn,
        LocalDate approvalDeadline,
        LocalDate deliveryDeadline,
        Status status,
        boolean approvalOverdue,
        List<Field> fields,
        Instant revokedAt,
        String revokedBy,
        String revokeReason,
        Instant createdAt,
        Instant updatedAt) {

    /** Derived from the fields, validity and revocation — never stored, so it cannot go stale. */
    public enum Status {
        /** no field granted yet; conditional fields await the provider */
        PENDING,
        /** at least one field granted (others may still await approval) */
        ACTIVE,
        /** every field refused or withheld */
        REFUSED,
        /** validity has not begun */
        NOT_YET_VALID,
        EXPIRED,
        REVOKED
    }

    /** The state of one field of the agreement. */
    public enum FieldState {
        GRANTED,
        PENDING,
        REFUSED
    }

    /** One requested field: its state, masking and, when refused, the reason and legal basis. */
    public record Field(
            String name,
            SharingType sharingType,
            FieldState state,
            MaskingRule masking,
            String reason,
            String legalBasis,
            Instant decidedAt,
            String decidedBy) {}

    public boolean grants(String field) {
        return fields.stream().anyMatch(f -> f.name().equals(field) && f.state() == FieldState.GRANTED);
    }
}
