package cn.tongban.acceptance;

import static org.citrusframework.dsl.JsonPathSupport.jsonPath;
import static org.citrusframework.validation.DelegatingPayloadVariableExtractor.Builder.fromBody;

import org.citrusframework.TestCaseRunner;
import org.citrusframework.annotations.CitrusResource;
import org.citrusframework.annotations.CitrusTest;
import org.citrusframework.junit.jupiter.CitrusSupport;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/**
 * 学历公证: the 长沙 notary office verifies an applicant's diploma for a notarisation. Without the
 * applicant's consent the hub refuses; with it, the answer is the minimum (claims true or false),
 * signed; once the applicant withdraws consent, refused again — each refusal in the ledger.
 */
@CitrusSupport
class NotaryVerificationScenario extends HubScenario {

    private static final String APPLICANT = "430102199003070012";
    private static final String PURPOSE = "办理学历公证时核验申请人学历证书";

    @Test
    @CitrusTest
    void consentGivenMissingAndRevoked(@CitrusResource TestCaseRunner runner) {
        // 1. The notary office files its demand for the diploma fields (unconditional: granted at once, 接口 mode).
        runner.$(post("gz-admin", "/api/catalog/demands", """
                {"requesterUscc": "%s", "resourceCode": "JY-XL-0001", "fields": ["certificateNo", "school", "major"],
                 "serviceItemCode": "GZ-XLGZ-0001", "serviceItemName": "学历公证", "purpose": "%s",
                 "legalBasis": "《中华人民共和国公证法》第十一条、第二十九条", "mode": "REALTIME",
                 "validFrom": "2026-09-30", "validUntil": "2027-09-29"}
                """.formatted(NOTARY_OFFICE, PURPOSE)));
        runner.$(answer(HttpStatus.CREATED)
                .validate(jsonPath().expression("$.agreement.status", "ACTIVE"))
                .extract(fromBody().expression("$.agreement.id", "agreementId")));

        // 2. Asked without any consent: refused, naming the rule.
        runner.$(post("gz-admin", "/api/verifications", verification("00000000-0000-4000-8000-000000000000")));
        runner.$(answer(HttpStatus.FORBIDDEN)
                .validate(jsonPath().expression("$.errors[0].field", "consentId").expression("$.errors[0].rule", "consent-missing")));

        // 3. The applicant signs the consent form; the notary records it (the form's SM3 as evidence).
        runner.$(post("gz-admin", "/api/consents", """
                {"subject": {"idNumber": "%s"}, "granteeUscc": "%s", "resourceCode": "JY-XL-0001",
                 "fields": ["certificateNo", "school", "major"], "purpose": "%s", "serviceItemCode": "GZ-XLGZ-0001",
                 "caseNumber": "(2026)湘长证字第1024号",
                 "evidenceDigest": "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",
                 "validUntil": "2026-12-31", "givenAt": "2026-09-29T08:00:00Z"}
                """.formatted(APPLICANT, NOTARY_OFFICE, PURPOSE)));
        runner.$(answer(HttpStatus.CREATED)
                .validate(jsonPath().expression("$.status", "VALID"))
                .extract(fromBody().expression("$.id", "consentId")));

        // 4. With consent: both claims hold, the answer is signed, the ID number is not in it.
        runner.$(post("gz-admin", "/api/verifications", verification("${consentId}")));
        runner.$(answer(HttpStatus.OK)
                .validate(jsonPath()
                        .expression("$.outcome", "MATCH")
                        .expression("$.claims.certificateNo", "true")
                        .expression("$.claims.school", "true")
                        .expression("$.signature.algorithm", "SM3withSM2")));

        // 5. The applicant withdraws consent; the same question is refused.
        runner.$(post("gz-admin", "/api/consents/${consentId}/revoke", "{\"reason\": \"申请人书面撤回授权\"}"));
        runner.$(answer(HttpStatus.OK).validate(jsonPath().expression("$.status", "REVOKED")));
        runner.$(post("gz-admin", "/api/verifications", verification("${consentId}")));
        runner.$(answer(HttpStatus.FORBIDDEN).validate(jsonPath().expression("$.errors[0].rule", "consent-revoked")));

        // 6. The auditor finds every refusal in the ledger.
        runner.$(get("auditor", "/api/audit/events?type=VERIFICATION_REFUSED&resource=JY-XL-0001"));
        runner.$(answer(HttpStatus.OK).validate(jsonPath().expression("$.items[*].outcome", "@contains('CONSENT_REVOKED')@")));
    }

    private static String verification(String consentId) {
        return """
                {"resourceCode": "JY-XL-0001", "agreementId": "${agreementId}", "caseNumber": "(2026)湘长证字第1024号",
                 "purpose": "%s", "consentId": "%s", "subject": {"idNumber": "%s"},
                 "claims": {"certificateNo": "CE828487", "school": "湖南师范大学"}}
                """.formatted(PURPOSE, consentId, APPLICANT);
    }
}
