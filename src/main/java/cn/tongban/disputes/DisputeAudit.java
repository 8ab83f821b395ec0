package cn.tongban.disputes;

import cn.tongban.disputes.internal.DisputeRepository.StoredDispute;
import cn.tongban.ledger.AuditFact;
import cn.tongban.ledger.LedgerEntry;
import cn.tongban.signing.CanonicalBytes;
import cn.tongban.signing.Sm3;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * 异议审计: each step of a dispute is one ledger entry, committed with the step. The reasons are
 * staff's free text and may name people: the ledger holds only the SM3 of the reason as stated
 * (so the stored text cannot change unnoticed), never the text itself (DisputesIT s01, s04, s06).
 */
@Component
class DisputeAudit {

    /** The ledger's event types for disputes. */
    enum Type {
        DISPUTE_OPENED,
        DISPUTE_CORRECTED,
        DISPUTE_REJECTED,
        DISPUTE_ESCALATED
    }

    private final ApplicationEventPublisher events;
    private final JsonMapper json;

    DisputeAudit(ApplicationEventPublisher events, JsonMapper json) {
        this.events = events;
        this.json = json;
    }

    void opened(StoredDispute d) {
        record(d, Type.DISPUTE_OPENED, d.openedBy(), d.demanderUscc(), d.openedAt(), digest(d.id(), d.reason()), null);
    }

    void answered(StoredDispute d) {
        Type type = d.status() == DisputeStatus.CORRECTED ? Type.DISPUTE_CORRECTED : Type.DISPUTE_REJECTED;
        record(
                d,
                type,
                d.closedBy(),
                d.supplierUscc(),
                d.closedAt(),
                digest(d.id(), d.outcomeReason()),
                d.correctionBatchId());
    }

    void escalated(StoredDispute d, String actor) {
        record(d, Type.DISPUTE_ESCALATED, actor, d.supplierUscc(), d.escalatedAt(), null, null);
    }

    private void record(
            StoredDispute d, Type type, String actor, String participant, Instant at, String digest, UUID batch) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("dispute", d.id().toString());
        details.put("fields", d.fields());
        details.put("supplier", d.supplierUscc());
        details.put("demander", d.demanderUscc());
        details.put("dueOn", d.dueOn().toString());
        if (batch != null) {
            details.put("batch", batch.toString());
        }
        events.publishEvent(new AuditFact(new LedgerEntry(
                at,
                type.name(),
                actor,
                participant,
                d.resourceCode(),
                d.agreementId(),
                null,
                null,
                d.status().name(),
                d.sourceRecordId(),
                d.deliveryId(),
                null,
                digest,
                json.writeValueAsString(details))));
    }

    private static String digest(UUID id, String reason) {
        if (reason == null) {
            return null;
        }
        byte[] stated = new CanonicalBytes().text(id.toString()).text(reason).toByteArray();
        return HexFormat.of().formatHex(Sm3.digest(stated));
    }
}
