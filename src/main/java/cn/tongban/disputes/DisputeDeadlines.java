package cn.tongban.disputes;

import org.springframework.stereotype.Component;

/**
 * 异议时限: the scheduled pass of {@code routes/disputes.camel.yaml} — an open dispute not answered by
 * its due day is escalated to the platform administrator, once, and audited (DisputesIT s07).
 */
@Component
public class DisputeDeadlines {

    static final String ACTOR = "system:dispute-deadlines";

    private final Disputes disputes;

    DisputeDeadlines(Disputes disputes) {
        this.disputes = disputes;
    }

    public int escalateOverdue() {
        return disputes.escalateOverdue(ACTOR);
    }
}
