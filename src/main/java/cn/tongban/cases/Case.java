package cn.tongban.cases;

import java.time.Instant;
import java.util.List;

/**
 * 办件: one application accepted at a counter (受理单位, the receiving office) for a service item
 * (事项) owned by an office in this or another province, with its materials and its timeline.
 * The applicant appears masked ({@code 430102********1234}, {@code 张*}); never in clear.
 */
public record Case(
        String serial,
        String serviceItemCode,
        String serviceItemName,
        CaseMode mode,
        Applicant applicant,
        String receivingProvince,
        String receivingOfficeUscc,
        String owningProvince,
        String owningOfficeUscc,
        CaseStatus status,
        String rejectReason,
        CaseResult result,
        String resultCode,
        String resultNote,
        List<Material> materials,
        List<CaseStep> timeline,
        Instant createdAt,
        Instant updatedAt) {

    /** 申请人, as answered: a person's ID number and name masked, an organisation's shown. */
    public record Applicant(ApplicantType type, String idNumber, String name) {}
}
