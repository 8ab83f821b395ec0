package cn.tongban.supervision;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * 监督考核报告: one line per department (provider) for a period. Counts and reasons only — never a
 * record, a person or a submitted value. Facts are reckoned as of {@code asOf}: the end of the
 * period, or the moment the report was made if the period has not ended.
 */
public record SupervisionReport(
        LocalDate from, LocalDate to, Instant generatedAt, Instant asOf, List<DepartmentLine> departments) {

    /** One provider's figures. */
    public record DepartmentLine(
            String uscc,
            String name,
            DemandFigures demands,
            List<ReasonCount> refusals,
            List<ResourceLine> resources,
            DisputeFigures disputes) {}

    /**
     * 有条件共享申请: requests filed in the period on the department's resources that had fields to
     * decide; approval times are working days from filing to the last decision.
     */
    public record DemandFigures(
            long received,
            long answeredInTime,
            long answeredLate,
            long open,
            long openOverdue,
            Double medianApprovalWorkingDays,
            Double p90ApprovalWorkingDays) {}

    /** Refused conditional fields by the reason the approver gave. */
    public record ReasonCount(String reason, long count) {}

    /** One resource's data quality and timeliness. */
    public record ResourceLine(String code, String name, Quality quality, Timeliness timeliness) {}

    /** 数据质量: records received in the period, how many passed (accepted) and the rules most failed. */
    public record Quality(
            long received, long accepted, long quarantined, Double validRatio, List<RuleCount> topRules) {}

    /** A quarantine reason as {@code field:rule}, with how many times it was given. */
    public record RuleCount(String rule, long count) {}

    /** 更新及时性: the last intake against the interval the declared 更新周期 implies. */
    public record Timeliness(
            String updateCycle, String expectedInterval, Instant lastIntakeAt, IntakeTimeliness status) {}

    /** 争议: disputes against the department as supplier; {@code available} is false without the disputes module. */
    public record DisputeFigures(
            boolean available, long opened, long closed, long overdue, Double medianResolutionDays) {

        static final DisputeFigures UNAVAILABLE = new DisputeFigures(false, 0, 0, 0, null);
        static final DisputeFigures NONE = new DisputeFigures(true, 0, 0, 0, null);
    }
}
