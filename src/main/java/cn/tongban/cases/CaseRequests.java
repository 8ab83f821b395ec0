package cn.tongban.cases;

import cn.tongban.identifier.CodeKind;
import cn.tongban.identifier.ValidCode;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/** What the counters and the owning offices send: a case to register, a status to record. */
public final class CaseRequests {

    private CaseRequests() {}

    /** 收件登记: a case as the receiving office registers it (and as the owning platform receives it). */
    public record Registration(
            @NotNull @Pattern(regexp = "^[0-9A-Za-z-]{4,64}$", message = "must be a service item code (事项编码)")
            String serviceItemCode,

            @NotBlank @Size(max = 200) String serviceItemName,
            @NotNull CaseMode mode,
            @NotNull @Valid ApplicantRequest applicant,
            @NotNull @ValidCode(CodeKind.USCC) String receivingOfficeUscc,
            @NotNull @ValidCode(CodeKind.REGION) String owningProvince,
            @NotNull @ValidCode(CodeKind.USCC) String owningOfficeUscc,
            @Size(max = 100) List<@NotNull @Valid Material> materials) {

        public Registration {
            materials = materials == null ? List.of() : List.copyOf(materials);
        }
    }

    /**
     * 申请人 in clear, as submitted: a person's 公民身份号码, or an organisation's USCC, and the name.
     * {@link #toString()} masks them, so that no log line or exception message can carry them.
     */
    public record ApplicantRequest(
            @NotNull ApplicantType type,
            @NotBlank @Size(max = 18) String idNumber,
            @NotBlank @Size(max = 100) String name) {

        @Override
        public String toString() {
            return "ApplicantRequest[type=" + type + ", idNumber=***, name=***]";
        }
    }

    /** 受理 / 不予受理 / 办结: the owning office's decision; a refusal gives its reason, a completion its result. */
    public record StatusChange(
            @NotNull CaseStatus status,
            @Size(max = 2000) String reason,
            CaseResult result,
            @Size(max = 2000) String note) {}
}
