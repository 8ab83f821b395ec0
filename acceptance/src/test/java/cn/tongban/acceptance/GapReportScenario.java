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
 * A need nobody supplies is itself information: it lands in the gap report (供需缺口), which tells
 * the province which data to start collecting. A demand naming fields a resource lacks is refused.
 */
@CitrusSupport
class GapReportScenario extends HubScenario {

    @Test
    @CitrusTest
    void unsuppliedNeedsFormTheGapReport(@CitrusResource TestCaseRunner runner) {
        runner.variable("wanted", "遗嘱公证记录-citrus:randomString(8)");

        // 1. The notary office describes a need that no published resource supplies.
        runner.$(post("gz-admin", "/api/catalog/demands", """
                {"requesterUscc": "%s", "need": "继承公证需核验被继承人生前所立遗嘱的公证记录",
                 "fields": ["${wanted}", "遗嘱公证日期"],
                 "serviceItemCode": "GZ-JCGZ-0002", "serviceItemName": "继承公证",
                 "purpose": "继承公证中核验遗嘱", "legalBasis": "《中华人民共和国公证法》第二十八条",
                 "mode": "BATCH", "validFrom": "2026-09-30", "validUntil": "2027-09-29"}
                """.formatted(NOTARY_OFFICE)));
        runner.$(answer(HttpStatus.CREATED)
                .validate(jsonPath().expression("$.demand.status", "UNMATCHED"))
                .extract(fromBody().expression("$.demand.id", "demandId")));

        // 2. The gap report names the demand and each missing field with who asked for it.
        runner.$(get("admin", "/api/catalog/gap-report"));
        runner.$(answer(HttpStatus.OK)
                .validate(jsonPath()
                        .expression("$.unmatchedDemands[*].id", "@contains('${demandId}')@")
                        .expression("$.missingFields[?(@.field == '${wanted}')].requesters[0]", NOTARY_OFFICE)
                        .expression("$.withheldFields[?(@.field == 'fingerprintTemplate')].resourceCode", "GA-RK-0001")));

        // 3. A demand for a field the resource does not have is refused, naming the field and the rule.
        runner.$(post("gz-admin", "/api/catalog/demands", """
                {"requesterUscc": "%s", "resourceCode": "JY-XL-0001", "fields": ["name", "salary"],
                 "serviceItemCode": "GZ-XLGZ-0001", "purpose": "学历公证", "legalBasis": "《公证法》",
                 "mode": "REALTIME", "validFrom": "2026-09-30", "validUntil": "2027-09-29"}
                """.formatted(NOTARY_OFFICE)));
        runner.$(answer(HttpStatus.UNPROCESSABLE_ENTITY)
                .validate(jsonPath()
                        .expression("$.errors[0].field", "fields[1]")
                        .expression("$.errors[0].rule", "must-exist")));
    }
}
