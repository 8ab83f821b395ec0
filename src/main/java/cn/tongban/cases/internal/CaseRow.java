package cn.tongban.cases.internal;

import cn.tongban.cases.ApplicantType;
import cn.tongban.cases.CaseMode;
import cn.tongban.cases.CaseResult;
import cn.tongban.cases.CaseStatus;
import java.time.Instant;

/**
 * A case as stored: the applicant's ID number and name as SM4-GCM ciphertexts under
 * {@code keyId}, a person also under its HMAC-SM3 reference.
 */
public record CaseRow(
        String serial,
        String serviceItemCode,
        String serviceItemName,
        CaseMode mode,
        ApplicantType applicantType,
        String applicantRef,
        byte[] applicantIdEnc,
        byte[] applicantNameEnc,
        String keyId,
        String receivingProvince,
        String receivingOffice,
        String owningProvince,
        String owningOffice,
        CaseStatus status,
        String rejectReason,
        CaseResult result,
        String resultNote,
        Instant createdAt,
        Instant updatedAt) {}
