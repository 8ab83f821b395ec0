package cn.tongban.acceptance;

import static org.citrusframework.container.RepeatOnErrorUntilTrue.Builder.repeatOnError;
import static org.citrusframework.dsl.JsonPathSupport.jsonPath;
import static org.citrusframework.http.actions.HttpActionBuilder.http;
import static org.citrusframework.validation.DelegatingPayloadVariableExtractor.Builder.fromBody;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.citrusframework.TestActionBuilder;
import org.citrusframework.TestCaseRunner;
import org.citrusframework.annotations.CitrusResource;
import org.citrusframework.annotations.CitrusTest;
import org.citrusframework.http.client.HttpClientBuilder;
import org.citrusframework.junit.jupiter.CitrusSupport;
import org.citrusframework.message.MessageType;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/**
 * 异地代收代办: a Guangdong resident applies at a counter of the Hunan 人社厅 for a service item a
 * Guangdong office owns. The Hunan hub forwards the case to the Guangdong platform (a second
 * packaged hub with its own database and keys, federated over HTTP); the Guangdong office accepts
 * and completes it; both platforms show the same timeline, each step signed, receipted and audited.
 */
@CitrusSupport
class CrossProvinceCaseScenario extends HubScenario {

    /** 湖南省人力资源和社会保障厅 (config/demo/province.json): the receiving counter. */
    private static final String HUNAN_COUNTER = "11430000006004560P";

    /** The Guangdong office's login, made here: new logins must pass the password policy. */
    private static final String OFFICE_PASSWORD = "Gd-Sb-Office-2026";

    private final HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    @CitrusTest
    void aCaseAcceptedInHunanIsHandledInGuangdongAndItsResultComesBack(@CitrusResource TestCaseRunner runner)
            throws Exception {
        Hub hunan = Hub.get();
        Hub guangdong = Hub.isolated(
                "guangdong-hub",
                Hub.freePort(),
                true,
                "--tongban.federation.province=440000",
                "--tongban.federation.name=广东省政务数据共享交换平台",
                "--tongban.federation.send-period-ms=200");
        try {
            // 0. The platforms pin each other's anchors (out of band in real life), both ways.
            String office = "124400004556677884";
            setUp(guangdong, "/api/catalog/participants", """
                    {"uscc": "%s", "name": "广东省社会保险基金管理局", "kind": "DEPARTMENT", "regionCode": "440000"}
                    """.formatted(office));
            setUp(guangdong, "/api/catalog/participants/" + office + "/accounts", """
                    {"username": "gdsb-admin", "password": "%s", "displayName": "广东社保经办",
                     "roles": ["DEPARTMENT_ADMIN"]}""".formatted(OFFICE_PASSWORD));
            setUp(hunan, "/api/federation/peers", peer("440000", "广东省政务数据共享交换平台", guangdong));
            setUp(guangdong, "/api/federation/peers", peer("430000", "湖南省政务数据共享交换平台", hunan));

            org.citrusframework.http.client.HttpClient gd = new HttpClientBuilder()
                    .requestUrl(guangdong.url)
                    .timeout(30_000)
                    .build();

            // 1. The Hunan counter registers the case; Guangdong owns it, so it is forwarded.
            runner.$(post("rs-admin", "/api/cases", """
                    {"serviceItemCode": "RS-YLZY-0001", "serviceItemName": "养老保险关系转移接续(异地代收代办)",
                     "mode": "PROXY",
                     "applicant": {"type": "PERSON", "idNumber": "440106199203150022", "name": "陈晓梅"},
                     "receivingOfficeUscc": "%s", "owningProvince": "440000", "owningOfficeUscc": "%s",
                     "materials": [{"name": "参保缴费凭证", "mediaType": "application/pdf", "size": 182044,
                                    "sm3": "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"}]}
                    """.formatted(HUNAN_COUNTER, office)));
            runner.$(answer(HttpStatus.CREATED)
                    .validate(jsonPath()
                            .expression("$.status", "FORWARDED")
                            .expression("$.applicant.idNumber", "440106********0022")
                            .expression("$.applicant.name", "陈*梅"))
                    .extract(fromBody().expression("$.serial", "serial")));

            // 2. The Guangdong office finds it and accepts it (受理), then completes it (办结).
            runner.$(repeatOnError()
                    .until((i, context) -> i > 30)
                    .autoSleep(1000)
                    .actions(gdGet(gd, "/api/cases/${serial}"), gdAnswer(gd, HttpStatus.OK)));
            runner.$(gdPost(gd, "/api/cases/${serial}/status", "{\"status\": \"ACCEPTED\"}"));
            runner.$(gdAnswer(gd, HttpStatus.OK));
            runner.$(gdPost(gd, "/api/cases/${serial}/status",
                    "{\"status\": \"COMPLETED\", \"result\": \"ISSUED\", \"note\": \"转移接续已办结\"}"));
            runner.$(gdAnswer(gd, HttpStatus.OK));

            // 3. The result comes back to the Hunan counter, with the same timeline as Guangdong's.
            runner.$(repeatOnError()
                    .until((i, context) -> i > 30)
                    .autoSleep(1000)
                    .actions(
                            get("rs-admin", "/api/cases/${serial}"),
                            answer(HttpStatus.OK)
                                    .validate(jsonPath()
                                            .expression("$.status", "COMPLETED")
                                            .expression("$.result", "ISSUED")
                                            .expression("$.timeline.length()", "4")
                                            .expression("$.timeline[3].province", "440000"))
                                    .extract(fromBody().expression("$.timeline[3].messageId", "completedBy"))));
            runner.$(gdGet(gd, "/api/cases/${serial}"));
            runner.$(gdAnswer(gd, HttpStatus.OK)
                    .validate(jsonPath().expression("$.timeline[3].messageId", "${completedBy}")));

            // 4. Each platform's auditor finds the step and the message that carried it.
            runner.$(get("auditor", "/api/audit/events?type=FEDERATION_RECEIVED"));
            runner.$(answer(HttpStatus.OK).validate(jsonPath().expression("$.items[*].details", "@contains('${completedBy}')@")));
        } finally {
            guangdong.stop();
        }
    }

    private static String officeLogin() {
        return "Basic " + java.util.Base64.getEncoder()
                .encodeToString(("gdsb-admin:" + OFFICE_PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private TestActionBuilder<?> gdGet(org.citrusframework.http.client.HttpClient gd, String path) {
        return http().client(gd).send().get(path).message().header("Authorization", officeLogin());
    }

    private TestActionBuilder<?> gdPost(org.citrusframework.http.client.HttpClient gd, String path, String json) {
        return http().client(gd)
                .send()
                .post(path)
                .message()
                .header("Authorization", officeLogin())
                .contentType("application/json;charset=UTF-8")
                .body(json);
    }

    private org.citrusframework.http.actions.HttpClientResponseActionBuilder.HttpMessageBuilderSupport gdAnswer(
            org.citrusframework.http.client.HttpClient gd, HttpStatus status) {
        return http().client(gd).receive().response(status).message().type(MessageType.JSON);
    }

    private String peer(String province, String name, Hub at) throws IOException, InterruptedException {
        String pem = plain.send(
                        HttpRequest.newBuilder(URI.create(at.url + "/api/exchange/hub-certificate")).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        return """
                {"province": "%s", "name": "%s", "baseUrl": "%s", "certificatePem": "%s",
                 "outboundResources": ["*"], "inboundResources": ["*"], "reason": "跨省通办对接"}
                """.formatted(province, name, at.url, pem.replace("\n", "\\n"));
    }

    private void setUp(Hub hub, String path, String json) throws IOException, InterruptedException {
        HttpResponse<String> response = plain.send(
                HttpRequest.newBuilder(URI.create(hub.url + path))
                        .header("Authorization", Hub.basic("admin"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            System.err.println("set-up " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        assertEquals(201, response.statusCode(), response.body());
    }
}
