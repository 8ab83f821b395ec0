package cn.tongban.cases;

import java.util.EnumSet;
import java.util.Set;

/**
 * 办件状态: RECEIVED (收件) → FORWARDED (已转办) → ACCEPTED (受理 1) or REJECTED (不予受理, 受理 2)
 * → COMPLETED (办结). A case owned in this province skips FORWARDED. No other step is allowed
 * (CasesIT s03).
 */
public enum CaseStatus {
    RECEIVED,
    FORWARDED,
    ACCEPTED,
    REJECTED,
    COMPLETED;

    /** The statuses a case in this status may move to. */
    public Set<CaseStatus> next() {
        return switch (this) {
            case RECEIVED -> EnumSet.of(FORWARDED, ACCEPTED, REJECTED);
            case FORWARDED -> EnumSet.of(ACCEPTED, REJECTED);
            case ACCEPTED -> EnumSet.of(COMPLETED);
            case REJECTED, COMPLETED -> EnumSet.noneOf(CaseStatus.class);
        };
    }

    public boolean mayMoveTo(CaseStatus to) {
        return next().contains(to);
    }

    /** Whether the owning office records this status (the others are the receiving side's). */
    public boolean isOwningOfficeDecision() {
        return this == ACCEPTED || this == REJECTED || this == COMPLETED;
    }
}
