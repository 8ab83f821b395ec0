package cn.tongban.disputes;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/** 数据异议 as its parties see it; {@code correctionBatchId} is the intake batch of the corrected record. */
public record Dispute(
        UUID id,
        DisputeStatus status,
        String resourceCode,
        String supplierUscc,
        String demanderUscc,
        UUID agreementId,
        String deliveryId,
        String sourceRecordId,
        List<String> fields,
        String reason,
        Instant openedAt,
        String openedBy,
        LocalDate dueOn,
        Instant closedAt,
        String closedBy,
        String outcomeReason,
        UUID correctionBatchId,
        Instant escalatedAt) {}
