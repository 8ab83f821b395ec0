package cn.tongban.consent;

import cn.tongban.consent.ConsentRegistry.Subject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * 核验请求: does the record of this person, under this agreement and consent, hold these values
 * ({@code claims}, compared exactly after trimming), and what are these fields as the agreement
 * masks them ({@code disclose})? Asked for one notarial case.
 */
public record VerificationRequest(
        @NotBlank @Size(max = 64) String resourceCode,
        @NotNull UUID agreementId,
        @NotBlank @Size(max = 128) String caseNumber,
        @NotBlank @Size(max = 2000) String purpose,
        @NotNull UUID consentId,
        @NotNull @Valid Subject subject,
        @NotEmpty @Size(max = 50) Map<@NotBlank @Size(max = 128) String, @NotNull @Size(max = 2000) String> claims,
        @Size(max = 50) List<@NotBlank @Size(max = 128) String> disclose) {

    public VerificationRequest {
        disclose = disclose == null ? List.of() : disclose;
    }
}
