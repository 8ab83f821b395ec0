package cn.tongban.disputes;

/** Where a dispute stands; OPEN and ESCALATED still wait for the supplier's answer. */
public enum DisputeStatus {
    OPEN,
    CORRECTED,
    REJECTED,
    ESCALATED;

    /** Whether the supplier may still answer: an escalated dispute is coordinated, not closed. */
    public boolean awaitsAnswer() {
        return this == OPEN || this == ESCALATED;
    }
}
