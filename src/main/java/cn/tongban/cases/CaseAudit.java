package cn.tongban.cases;

import cn.tongban.cases.internal.CaseRow;
import cn.tongban.ledger.AuditFact;
import cn.tongban.ledger.LedgerEntry;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * 办件审计: every step appended to a timeline on this side is one ledger entry, in the step's
 * transaction. The applicant is named by its person reference only; reasons and notes, which staff
 * write freely and may name people, stay out of the ledger.
 */
@Component
class CaseAudit {

    /** The ledger's event types for case steps. */
    enum Type {
        CASE_RECEIVED,
        CASE_FORWARDED,
        CASE_STATUS;

        static Type of(CaseStatus status) {
            return switch (status) {
                case RECEIVED -> CASE_RECEIVED;
                case FORWARDED -> CASE_FORWARDED;
                case ACCEPTED, REJECTED, COMPLETED -> CASE_STATUS;
            };
        }
    }

    private final ApplicationEventPublisher events;
    private final JsonMapper json;

    CaseAudit(ApplicationEventPublisher events, JsonMapper json) {
        this.events = events;
        this.json = json;
    }

    /**
     * @param actor who appended the step here: the step's author, or {@code peer:<province>} for a
     *     step a peer platform's message brought
     * @param digest the SM3 of the message that brought the step, if one did
     */
    void stepAppended(CaseRow c, CaseStep step, String actor, String digest) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("serial", c.serial());
        details.put("seq", step.seq());
        details.put("province", step.province());
        details.put("mode", c.mode().name());
        details.put("owningProvince", c.owningProvince());
        if (step.messageId() != null) {
            details.put("messageId", step.messageId());
        }
        if (step.result() != null) {
            details.put("result", step.result().code());
        }
        String participant = step.status().isOwningOfficeDecision() ? c.owningOffice() : c.receivingOffice();
        events.publishEvent(new AuditFact(new LedgerEntry(
                step.at(),
                Type.of(step.status()).name(),
                actor,
                participant,
                null,
                null,
                null,
                c.serviceItemCode(),
                step.status().name(),
                null,
                null,
                c.applicantRef(),
                digest,
                json.writeValueAsString(details))));
    }
}
