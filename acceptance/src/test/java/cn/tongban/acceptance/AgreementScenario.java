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
 * A notary office (公证处) needs marriage records (婚姻登记信息) for a marital-status notarisation:
 * it files a demand, the hub matches it and grants the unconditional field at once, the civil
 * affairs department approves the conditional part with masking, and the notary reads the agreement.
 */
@CitrusSupport
class AgreementScenario extends HubScenario {

    @Test
    @CitrusTest
    void demandMatchedApprovedAndReadAsAnAgreement(@CitrusResource TestCaseRunner runner) {
        // 1. The notary office files its demand.
        runner.$(post("gz-admin", "/api/catalog/demands", """
                {"requesterUscc": "%s", "resourceCode": "MZ-HY-0001",
                 "fields": ["certificateNo", "registrationType", "registrationDate", "registrationOffice", "partyAName", "partyBName"],
                 "serviceItemCode": "GZ-HYZK-0001", "serviceItemName": "婚姻状况公证",
                 "purpose": "办理婚姻状况公证时核验婚姻登记", "legalBasis": "《中华人民共和国公证法》第十一条",
                 "mode": "REALTIME", "validFrom": "2026-09-30", "validUntil": "2027-09-29"}
                """.formatted(NOTARY_OFFICE)));
        // 2. It is matched: the unconditional field is granted now, the conditional ones await the provider.
        runner.$(answer(HttpStatus.CREATED)
                .validate(jsonPath()
                        .expression("$.demand.status", "MATCHED")
                        .expression("$.agreement.status", "ACTIVE")
                        .expression("$.agreement.fields[3].name", "registrationOffice")
                        .expression("$.agreement.fields[3].state", "GRANTED")
                        .expression("$.agreement.fields[4].state", "PENDING")
                        .expression("$.agreement.approvalDeadline", "2026-10-20"))
                .extract(fromBody().expression("$.agreement.id", "agreementId")));

        // 3. The civil affairs department's approver sees it waiting.
        runner.$(get("mz-approver", "/api/catalog/approvals"));
        runner.$(answer(HttpStatus.OK).validate(jsonPath().expression("$[*].id", "@contains('${agreementId}')@")));

        // 4. The notary office cannot approve its own request.
        runner.$(post("gz-admin", "/api/catalog/agreements/${agreementId}/decisions", """
                {"decisions": [{"field": "certificateNo", "outcome": "APPROVE"}]}"""));
        runner.$(answer(HttpStatus.FORBIDDEN).validate(jsonPath().expression("$.status", "403")));

        // 5. The approver grants the conditional fields, masking the parties' names, and refuses one with a reason.
        runner.$(post("mz-approver", "/api/catalog/agreements/${agreementId}/decisions", """
                {"decisions": [
                  {"field": "certificateNo", "outcome": "APPROVE"},
                  {"field": "registrationType", "outcome": "APPROVE"},
                  {"field": "registrationDate", "outcome": "APPROVE"},
                  {"field": "partyAName", "outcome": "APPROVE", "masking": "NAME"},
                  {"field": "partyBName", "outcome": "REFUSE", "reason": "仅需核验男方婚姻状况"}]}"""));
        runner.$(answer(HttpStatus.OK).validate(jsonPath().expression("$.fields[4].state", "GRANTED")));

        // 6. The notary office reads the agreement the exchange routes will obey.
        runner.$(get("gz-admin", "/api/catalog/agreements/${agreementId}"));
        runner.$(answer(HttpStatus.OK)
                .validate(jsonPath()
                        .expression("$.status", "ACTIVE")
                        .expression("$.demanderUscc", NOTARY_OFFICE)
                        .expression("$.fields[0].state", "GRANTED")
                        .expression("$.fields[4].masking", "NAME")
                        .expression("$.fields[5].state", "REFUSED")
                        .expression("$.fields[5].reason", "仅需核验男方婚姻状况")
                        .expression("$.fields[5].decidedBy", "mz-approver")
                        .expression("$.deliveryDeadline", "2026-11-03")
                        .expression("$.approvalOverdue", "false")));
    }
}
