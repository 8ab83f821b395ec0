package cn.tongban.ledger;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * 账本条目: one thing that happened, before it takes its place in the chain. Never personal data
 * in clear: a person is named by {@code personRef} (HMAC-SM3 of the ID number), a payload by its
 * SM3 digest; {@code details} is a short JSON text of non-personal facts (fields, rules, counts).
 * An entry for many deliveries of one batch names them as {@code leaves} (their Merkle root is its
 * payload digest); other entries have none.
 */
public record LedgerEntry(
        Instant at,
        String type,
        String actor,
        String participantUscc,
        String resourceCode,
        UUID agreementId,
        String purpose,
        String serviceItemCode,
        String outcome,
        String sourceRecordId,
        String deliveryKey,
        String personRef,
        String payloadDigest,
        String details,
        List<LedgerLeaf> leaves) {

    public LedgerEntry {
        if (type == null || actor == null || outcome == null) {
            throw new IllegalArgumentException("a ledger entry needs its type, actor and outcome");
        }
        leaves = leaves == null ? List.of() : List.copyOf(leaves);
    }

    /** An entry that names no leaves. */
    public LedgerEntry(
            Instant at,
            String type,
            String actor,
            String participantUscc,
            String resourceCode,
            UUID agreementId,
            String purpose,
            String serviceItemCode,
            String outcome,
            String sourceRecordId,
            String deliveryKey,
            String personRef,
            String payloadDigest,
            String details) {
        this(
                at,
                type,
                actor,
                participantUscc,
                resourceCode,
                agreementId,
                purpose,
                serviceItemCode,
                outcome,
                sourceRecordId,
                deliveryKey,
                personRef,
                payloadDigest,
                details,
                List.of());
    }
}
