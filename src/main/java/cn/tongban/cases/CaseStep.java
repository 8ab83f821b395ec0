package cn.tongban.cases;

import java.time.Instant;

/**
 * 办理环节: one step of a case's timeline — when, which status, who, in which province, and the
 * federation message that carried it when it crossed platforms. Both sides keep the same steps.
 */
public record CaseStep(
        int seq,
        Instant at,
        CaseStatus status,
        String by,
        String province,
        String messageId,
        String reason,
        CaseResult result,
        String note) {

    /** The same step under the given message id (known only once the message is queued). */
    CaseStep carriedBy(String id) {
        return new CaseStep(seq, at, status, by, province, id, reason, result, note);
    }

    CaseStep numbered(int n) {
        return new CaseStep(n, at, status, by, province, messageId, reason, result, note);
    }
}
