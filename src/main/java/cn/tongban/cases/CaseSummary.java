package cn.tongban.cases;

import java.time.Instant;

/** A case in a list: what and where, without its applicant, materials or timeline. */
public record CaseSummary(
        String serial,
        String serviceItemCode,
        String serviceItemName,
        CaseMode mode,
        String receivingProvince,
        String receivingOfficeUscc,
        String owningProvince,
        String owningOfficeUscc,
        CaseStatus status,
        Instant updatedAt) {}
