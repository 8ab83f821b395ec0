package cn.tongban.acceptance;

import static org.citrusframework.dsl.JsonPathSupport.jsonPath;
import static org.citrusframework.validation.DelegatingPayloadVariableExtractor.Builder.fromBody;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.citrusframework.TestCaseRunner;
import org.citrusframework.annotations.CitrusResource;
import org.citrusframework.annotations.CitrusTest;
import org.citrusframework.junit.jupiter.CitrusSupport;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/**
 * The education department (教育厅) supplies degree records; a notary office and the Guangdong
 * peer platform hold different agreements. Over real HTTP: each demander's system receives exactly
 * its granted, masked fields in envelopes that verify with the hub's certificate; the peer's system,
 * down at first, receives everything once back; a bad record waits in quarantine and is delivered
 * after correction.
 */
@CitrusSupport
class ExchangeScenario extends HubScenario {

    static final String EDUCATION = "11430000007007890P";

    @Test
    @CitrusTest
    void suppliedRecordsReachEachDemanderMaskedSignedAndOnce(@CitrusResource TestCaseRunner runner) throws Exception {
        String code = "JY-XW-" + ThreadLocalRandom.current().nextInt(1000, 10000);
        try (DemanderSystem notarySystem = new DemanderSystem();
                DemanderSystem peerSystem = new DemanderSystem()) {
            // 1. The education department publishes its degree records.
            runner.$(post("jy-admin", "/api/catalog/resources", resource(code)));
            runner.$(answer(HttpStatus.CREATED));

            // 2. The notary office (name, masked ID number, school) and the Guangdong platform
            //    (masked mobile) each get an agreement; the department approves the conditional fields.
            agreement(runner, "gz-admin", NOTARY_OFFICE, code, "\"certificateNo\", \"name\", \"idNumber\", \"school\"", "idNumber");
            agreement(runner, "gd-admin", PEER_PLATFORM, code, "\"certificateNo\", \"mobile\"", "mobile");

            // 3. Both register their systems' webhooks for this resource; the peer's is down.
            webhook(runner, "gz-admin", NOTARY_OFFICE, code, notarySystem.url());
            webhook(runner, "gd-admin", PEER_PLATFORM, code, peerSystem.url());
            peerSystem.down();

            // 4. The department's system pushes three records; the third has a wrong check digit.
            String id1 = idNumber("43010219950520123");
            String id2 = idNumber("43010219880101456");
            runner.$(post("jy-admin", "/api/exchange/intake/" + code, """
                    {"records": [%s, %s, %s]}""".formatted(
                    record("X-1", "张三丰", id1), record("X-2", "李四", id2), record("X-3", "王五", "430102199001010000"))));
            runner.$(answer(HttpStatus.ACCEPTED)
                    .validate(jsonPath()
                            .expression("$.accepted", "2")
                            .expression("$.quarantined", "1")
                            // two to each scenario system (and more if the demo's own notary webhook is registered)
                            .expression("$.deliveries", "@greaterThan(3)@")
                            .expression("$.results[2].status", "QUARANTINED")
                            .expression("$.results[2].reasons[0].field", "idNumber")
                            .expression("$.results[2].reasons[0].rule", "id-number-gb11643"))
                    .extract(fromBody().expression("$.results[2].quarantineId", "quarantineId")));

            // 5. The notary's system receives exactly its granted fields, masked, signed by the hub.
            PublicKey hubKey = EnvelopeCheck.hubKey(certificate());
            DemanderSystem.eventually(Duration.ofSeconds(30), "two envelopes at the notary", () -> notarySystem
                            .envelopes()
                            .size()
                    == 2);
            for (JsonNode envelope : notarySystem.envelopes()) {
                assertEquals(List.of("certificateNo", "name", "idNumber", "school"), fields(envelope));
                assertTrue(envelope.at("/record/idNumber").asText().matches("430102\\*{8}\\d{3}[0-9X]"));
                assertNull(EnvelopeCheck.problem(envelope, hubKey));
            }
            assertEquals("张*丰", notarySystem.envelopes().get(0).at("/record/name").asText());

            // 6. The peer's system was down: retried, nothing delivered; once up, it receives both.
            DemanderSystem.eventually(Duration.ofSeconds(30), "the hub retries the peer", () -> peerSystem.calls() >= 2);
            assertTrue(peerSystem.envelopes().isEmpty());
            peerSystem.up();
            DemanderSystem.eventually(Duration.ofSeconds(60), "two envelopes at the peer", () -> peerSystem
                            .envelopes()
                            .size()
                    == 2);
            for (JsonNode envelope : peerSystem.envelopes()) {
                assertEquals(List.of("certificateNo", "mobile"), fields(envelope));
                assertEquals("138****5678", envelope.at("/record/mobile").asText());
                assertNull(EnvelopeCheck.problem(envelope, hubKey));
            }

            // 7. The bad record waits in quarantine for its supplier; corrected, it is delivered to both.
            runner.$(get("jy-admin", "/api/exchange/quarantine?resource=" + code));
            runner.$(answer(HttpStatus.OK).validate(jsonPath().expression("$[0].id", "${quarantineId}")));
            runner.$(post(
                    "jy-admin",
                    "/api/exchange/quarantine/${quarantineId}/replay",
                    "{\"record\": " + fieldsOf(record("X-3", "王五", idNumber("43010219900101000"))) + "}"));
            runner.$(answer(HttpStatus.OK));
            DemanderSystem.eventually(Duration.ofSeconds(30), "the corrected record at both", () -> notarySystem
                                    .envelopes()
                                    .size()
                            == 3
                    && peerSystem.envelopes().size() == 3);
            assertEquals("X-3", notarySystem.envelopes().get(2).get("sourceRecordId").asText());
            assertNull(EnvelopeCheck.problem(peerSystem.envelopes().get(2), hubKey));

            // 8. Tampering is caught by the same independent check.
            JsonNode forged = notarySystem.envelopes().get(0).deepCopy();
            ((com.fasterxml.jackson.databind.node.ObjectNode) forged).put("purpose", "另作他用");
            assertEquals("the inclusion proof does not lead to the root", EnvelopeCheck.problem(forged, hubKey));
        }
    }

    private void agreement(TestCaseRunner runner, String user, String uscc, String code, String fields, String conditional) {
        runner.$(post(user, "/api/catalog/demands", """
                {"requesterUscc": "%s", "resourceCode": "%s", "fields": [%s],
                 "serviceItemCode": "GZ-XLGZ-0001", "serviceItemName": "学历公证",
                 "purpose": "学历核验", "legalBasis": "《中华人民共和国公证法》第二十九条",
                 "mode": "REALTIME", "validFrom": "2026-09-30", "validUntil": "2027-09-29"}
                """.formatted(uscc, code, fields)));
        runner.$(answer(HttpStatus.CREATED).extract(fromBody().expression("$.agreement.id", "agreement")));
        runner.$(post("jy-approver", "/api/catalog/agreements/${agreement}/decisions", """
                {"decisions": [{"field": "%s", "outcome": "APPROVE"}]}""".formatted(conditional)));
        runner.$(answer(HttpStatus.OK).validate(jsonPath().expression("$.status", "ACTIVE")));
    }

    private void webhook(TestCaseRunner runner, String user, String uscc, String code, String url) {
        runner.$(post(user, "/api/catalog/participants/" + uscc + "/endpoints", """
                {"direction": "DEMAND", "kind": "WEBHOOK", "address": "%s", "resourceCode": "%s"}
                """.formatted(url, code)));
        runner.$(answer(HttpStatus.CREATED));
    }

    private String certificate() throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(Hub.get().url + "/api/exchange/hub-certificate"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    static String resource(String code) {
        return """
                {"code": "%s", "name": "学位信息", "providerUscc": "%s", "summary": "高校学位授予信息",
                 "category": "THEME", "format": "Avro",
                 "schema": {"type": "record", "name": "Degree", "namespace": "cn.tongban.acceptance", "fields": [
                   {"name": "certificateNo", "type": "string"}, {"name": "name", "type": "string"},
                   {"name": "idNumber", "type": "string"}, {"name": "school", "type": "string"},
                   {"name": "mobile", "type": "string"}]},
                 "fields": [
                   {"name": "certificateNo", "title": "证书编号", "sharingType": "UNCONDITIONAL", "sensitivity": "PERSONAL", "masking": "NONE"},
                   {"name": "name", "title": "姓名", "sharingType": "UNCONDITIONAL", "sensitivity": "PERSONAL", "masking": "NAME"},
                   {"name": "idNumber", "title": "公民身份号码", "sharingType": "CONDITIONAL", "sensitivity": "SENSITIVE_PERSONAL", "masking": "ID_NUMBER"},
                   {"name": "school", "title": "学位授予单位", "sharingType": "UNCONDITIONAL", "sensitivity": "GENERAL", "masking": "NONE"},
                   {"name": "mobile", "title": "联系电话", "sharingType": "CONDITIONAL", "sensitivity": "PERSONAL", "masking": "MOBILE"}],
                 "sharingModes": ["SUBSCRIBE"], "sharingCondition": "仅供法定事项使用",
                 "updateCycle": "DAILY", "publishedOn": "2026-09-01"}
                """.formatted(code, EDUCATION);
    }

    private static String record(String sourceId, String name, String idNumber) {
        return "{\"sourceRecordId\": \"%s\", \"record\": %s}".formatted(sourceId, fieldsOf(sourceId, name, idNumber));
    }

    private static String fieldsOf(String sourceId, String name, String idNumber) {
        return """
                {"certificateNo": "1053%s", "name": "%s", "idNumber": "%s", "school": "湖南大学", "mobile": "13812345678"}"""
                .formatted(sourceId, name, idNumber);
    }

    private static String fieldsOf(String record) {
        try {
            return DemanderSystem.JSON.readTree(record).get("record").toString();
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static List<String> fields(JsonNode envelope) {
        List<String> names = new ArrayList<>();
        envelope.get("record").fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** GB 11643: the 18th character from the first 17. */
    static String idNumber(String first17) {
        int[] weights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
        int sum = 0;
        for (int i = 0; i < 17; i++) {
            sum += (first17.charAt(i) - '0') * weights[i];
        }
        return first17 + "10X98765432".charAt(sum % 11);
    }
}
