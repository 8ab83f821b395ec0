package cn.tongban.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import cn.tongban.identifier.SyntheticIdentifiers;
import cn.tongban.signing.HubKeys;
import cn.tongban.support.Api;
import cn.tongban.support.CatalogFixture;
import cn.tongban.support.CatalogFixture.Party;
import cn.tongban.support.HubTest;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * 接口查询 over real HTTP: a demander asks the hub, the hub asks the supplier's query endpoint (a
 * real server), and answers with the record projected, masked and signed under the agreement.
 */
@HubTest
class QueryIT {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    HttpServer supplier;
    Party provider;
    Party demander;
    String code;
    String agreementId;
    final String person = SyntheticIdentifiers.idNumber(new Random(3), "430102", LocalDate.of(1990, 3, 1));

    static final byte[] REDIRECT = new byte[1];

    /** How long the supplier takes over the person's record, for the timing the hub reports. */
    static final int SUPPLIER_MILLIS = 30;

    /** An address the catalog never registered, that a redirecting supplier points the hub to. */
    HttpServer elsewhere;

    final AtomicInteger keysSentElsewhere = new AtomicInteger();

    @BeforeEach
    void province() throws Exception {
        elsewhere = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        elsewhere.createContext("/query", exchange -> {
            keysSentElsewhere.incrementAndGet();
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        elsewhere.start();
        supplier = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        supplier.createContext("/query", exchange -> {
            JsonNode request = Api.json(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String key = request.get("key").asString();
            if (key.equals(person)) {
                pause(SUPPLIER_MILLIS);
            }
            byte[] body = key.equals(person)
                    ? JSON.writeValueAsBytes(Map.of(
                            "record",
                            Map.of(
                                    "certificateNo",
                                    "105421202005000123",
                                    "name",
                                    "张三丰",
                                    "idNumber",
                                    person,
                                    "school",
                                    "湖南大学",
                                    "mobile",
                                    "13812345678",
                                    "religion",
                                    "无")))
                    : key.equals("elsewhere")
                            ? REDIRECT
                            : key.equals("broken")
                                    ? JSON.writeValueAsBytes(Map.of("record", Map.of("certificateNo", 1)))
                                    : new byte[0];
            if (body == REDIRECT) {
                exchange.getResponseHeaders()
                        .add(
                                "Location",
                                "http://127.0.0.1:" + elsewhere.getAddress().getPort() + "/query");
                exchange.sendResponseHeaders(307, -1);
                exchange.close();
                return;
            }
            exchange.sendResponseHeaders(body.length == 0 ? 404 : 200, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        supplier.start();
        CatalogFixture fixture = new CatalogFixture(port);
        provider = fixture.participant("教育厅(查询)", "DEPARTMENT");
        demander = fixture.participant("公证处(查询)", "NOTARY_OFFICE");
        code = CatalogFixture.resourceCode();
        provider.admin().post("/api/catalog/resources", CatalogFixture.resource(code, provider.uscc()));
        assertThat(provider.admin()
                        .post(
                                "/api/catalog/participants/" + provider.uscc() + "/endpoints",
                                Map.of(
                                        "direction",
                                        "SUPPLY",
                                        "kind",
                                        "HTTP_QUERY",
                                        "resourceCode",
                                        code,
                                        "address",
                                        "http://127.0.0.1:"
                                                + supplier.getAddress().getPort() + "/query"))
                        .status())
                .isEqualTo(201);
        agreementId = demander.admin()
                .post(
                        "/api/catalog/demands",
                        CatalogFixture.demand(demander.uscc(), code, List.of("certificateNo", "name", "school")))
                .json()
                .at("/agreement/id")
                .asString();
    }

    @AfterEach
    void stop() {
        supplier.stop(0);
        elsewhere.stop(0);
    }

    @Test
    void s04_aRedirectIsAnInvalidAnswerAndTheKeyGoesNowhereElse() {
        Api.Reply redirected = demander.admin()
                .post("/api/exchange/query/" + code, Map.of("key", "elsewhere", "agreementId", agreementId));
        assertThat(redirected.status()).isEqualTo(502);
        assertThat(redirected.json().get("detail").asString()).contains("307");
        assertThat(keysSentElsewhere.get()).isZero();
    }

    @Test
    void s01_theAnswerIsProjectedMaskedAndSigned() {
        Api.Reply answer =
                demander.admin().post("/api/exchange/query/" + code, Map.of("key", person, "agreementId", agreementId));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        JsonNode envelope = answer.json();
        assertThat(envelope.get("record").toString())
                .isEqualTo("{\"certificateNo\":\"105421202005000123\",\"name\":\"张*丰\",\"school\":\"湖南大学\"}");
        assertThat(answer.body()).doesNotContain(person);
        var hubKey = HubKeys.readCertificate(
                        Api.at(port).get("/api/exchange/hub-certificate").body())
                .getPublicKey();
        assertThat(EnvelopeVerifier.problem(JSON.treeToValue(envelope, Envelope.class), hubKey))
                .isNull();
    }

    @Test
    void s05_theAnswerTellsTheSuppliersTimeAndTheHubsApart() {
        Api.Reply answer =
                demander.admin().post("/api/exchange/query/" + code, Map.of("key", person, "agreementId", agreementId));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        String timing = answer.header("Server-Timing");
        assertThat(timing)
                .matches("hub;dur=\\d+\\.\\d{3};desc=\"hub overhead\", audit;dur=\\d+\\.\\d{3};desc=\"[^\"]+\","
                        + " supplier;dur=\\d+\\.\\d{3}, total;dur=\\d+\\.\\d{3}");
        Map<String, Double> millis = new java.util.HashMap<>();
        for (String metric : timing.split(", ")) {
            millis.put(
                    metric.substring(0, metric.indexOf(';')),
                    Double.parseDouble(metric.replaceAll(".*dur=([0-9.]+).*", "$1")));
        }
        assertThat(millis.get("supplier")).isGreaterThanOrEqualTo(SUPPLIER_MILLIS);
        assertThat(millis.get("hub")).isPositive();
        // The answer waited for its audit record: that wait is part of the hub's own time.
        assertThat(millis.get("audit")).isPositive().isLessThanOrEqualTo(millis.get("hub"));
        assertThat(millis.get("total")).isCloseTo(millis.get("hub") + millis.get("supplier"), within(0.0015));
        // The operators see the same split per resource.
        Api ops = Api.at(port).as("ops");
        JsonNode hub = ops.get("/actuator/metrics/tongban.query.hub?tag=resource:" + code)
                .json();
        assertThat(demander.admin()
                        .get("/actuator/metrics/tongban.query.hub?tag=resource:" + code)
                        .status())
                .as("metrics are for operators") // #12
                .isEqualTo(403);
        JsonNode supplierTimer = ops.get("/actuator/metrics/tongban.query.supplier?tag=resource:" + code)
                .json();
        assertThat(count(hub)).isEqualTo(1);
        assertThat(count(supplierTimer)).isEqualTo(1);
    }

    private static double count(JsonNode metric) {
        for (JsonNode measurement : metric.path("measurements")) {
            if (measurement.path("statistic").asString().equals("COUNT")) {
                return measurement.path("value").asDouble();
            }
        }
        throw new AssertionError("no COUNT in " + metric);
    }

    private static void pause(int millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void s02_noAgreementNoPurposeNoRecord() {
        Party other = new CatalogFixture(port).participant("他人(查询)", "DEPARTMENT");
        assertThat(other.admin()
                        .post("/api/exchange/query/" + code, Map.of("key", person, "agreementId", agreementId))
                        .status())
                .isEqualTo(404);
        assertThat(demander.admin()
                        .post(
                                "/api/exchange/query/" + code,
                                Map.of("key", person, "agreementId", agreementId, "purpose", "其他用途"))
                        .status())
                .isEqualTo(403);
        assertThat(demander.admin()
                        .post(
                                "/api/exchange/query/" + code,
                                Map.of("key", "430102199001019999", "agreementId", agreementId))
                        .status())
                .isEqualTo(404);
        Api.Reply broken = demander.admin()
                .post("/api/exchange/query/" + code, Map.of("key", "broken", "agreementId", agreementId));
        assertThat(broken.status()).isEqualTo(502);
        assertThat(broken.violations()).contains("certificateNo:type");
        assertThat(demander.admin()
                        .post("/api/exchange/query/" + code, Map.of("agreementId", agreementId))
                        .violations())
                .containsExactly("key:not-blank");
        assertThat(demander.admin()
                        .post("/api/catalog/agreements/" + agreementId + "/revoke", Map.of("reason", "事项办结"))
                        .status())
                .isEqualTo(200);
        assertThat(demander.admin()
                        .post("/api/exchange/query/" + code, Map.of("key", person, "agreementId", agreementId))
                        .status())
                .isEqualTo(403);
    }

    @Test
    void s03_anUnreachableSupplierTripsTheCircuitBreaker() {
        supplier.stop(0);
        for (int i = 0; i < QueryService.BREAKER_THRESHOLD; i++) {
            assertThat(demander.admin()
                            .post("/api/exchange/query/" + code, Map.of("key", person, "agreementId", agreementId))
                            .status())
                    .isEqualTo(502);
        }
        Api.Reply open =
                demander.admin().post("/api/exchange/query/" + code, Map.of("key", person, "agreementId", agreementId));
        assertThat(open.status()).isEqualTo(503);
        assertThat(open.json().get("detail").asString()).contains("circuit open");
    }
}
