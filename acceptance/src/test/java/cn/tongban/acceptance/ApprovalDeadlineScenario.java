package cn.tongban.acceptance;

import static org.citrusframework.dsl.JsonPathSupport.jsonPath;

import org.citrusframework.TestCaseRunner;
import org.citrusframework.annotations.CitrusResource;
import org.citrusframework.annotations.CitrusTest;
import org.citrusframework.junit.jupiter.CitrusSupport;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/**
 * 10 working days for a conditional-sharing reply: filed on Wednesday 30 September 2026, the
 * limit skips the National Day holiday (1–7 October) and Sunday 11 October, counts the make-up
 * Saturday of 10 October, and ends on Tuesday 20 October.
 */
@CitrusSupport
class ApprovalDeadlineScenario extends HubScenario {

    @Test
    @CitrusTest
    void theApprovalDeadlineSkipsWeekendsAndHolidays(@CitrusResource TestCaseRunner runner) {
        // 1. The peer province's platform asks for migration permits, including conditional address fields.
        runner.$(post("gd-admin", "/api/catalog/demands", """
                {"requesterUscc": "%s", "resourceCode": "GA-HJ-0002",
                 "fields": ["permitNo", "name", "fromAddress", "toAddress"],
                 "serviceItemCode": "11100000000013338W3000112000000", "serviceItemName": "户口迁移",
                 "purpose": "迁出地核验准予迁入证明", "legalBasis": "国办发〔2020〕35号",
                 "mode": "REALTIME", "validFrom": "2026-09-30", "validUntil": "2027-03-31"}
                """.formatted(PEER_PLATFORM)));
        // 2. The deadline is ten working days later by the holiday calendar.
        runner.$(answer(HttpStatus.CREATED)
                .validate(jsonPath()
                        .expression("$.agreement.filedOn", "2026-09-30")
                        .expression("$.agreement.approvalDeadline", "2026-10-20")
                        .expression("$.agreement.approvalOverdue", "false")));

        // 3. Participants can compute the same deadlines: across the holiday, and across an ordinary weekend.
        runner.$(get("gd-admin", "/api/calendar/deadline?start=2026-09-30&workingDays=10"));
        runner.$(answer(HttpStatus.OK).validate(jsonPath().expression("$.deadline", "2026-10-20")));
        runner.$(get("gd-admin", "/api/calendar/deadline?start=2026-11-27&workingDays=10"));
        runner.$(answer(HttpStatus.OK).validate(jsonPath().expression("$.deadline", "2026-12-11")));

        // 4. A nonsense limit is refused with the field and rule named.
        runner.$(get("gd-admin", "/api/calendar/deadline?start=2026-11-27&workingDays=-1"));
        runner.$(answer(HttpStatus.BAD_REQUEST)
                .validate(jsonPath()
                        .expression("$.errors[0].field", "workingDays")
                        .expression("$.errors[0].rule", "range")));
    }
}
