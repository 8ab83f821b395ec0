package cn.tongban.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import cn.tongban.exchange.ExchangeProvinceAccess;
import cn.tongban.support.CatalogFixture;
import cn.tongban.support.HubTest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hostile input at every public endpoint (#13), from a seeded generator: JSON bodies bent out of
 * shape, and path and query values that break parsing. Each answer is a 4xx problem+json without a
 * stack trace (the registry's answers are Confluent's error body, which carries the problem
 * members too) or a success — never a 5xx, never a partial write, never a hang.
 */
@HubTest
@TestPropertySource(locations = "classpath:limits-it.properties")
class HostileInputIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long SEED = 0x13_2026L;
    private static final int MUTATIONS_PER_ENDPOINT = 14;
    private static final List<String> TABLES = List.of(
            "participant",
            "account",
            "endpoint",
            "resource",
            "demand",
            "agreement",
            "negative_list_entry",
            "registry_schema",
            "registry_subject_version",
            "exchange_batch",
            "quarantine",
            "delivery");

    private static ExchangeProvinceAccess province;
    private static String supplierAuthorization;

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void province() {
        if (province == null) {
            province = new ExchangeProvinceAccess(port);
            supplierAuthorization = province.supplierSystem().authorization();
        }
    }

    @AfterAll
    static void close() {
        if (province != null) {
            province.close();
            province = null;
        }
    }

    /** An endpoint that takes a JSON body, with a valid body for it and who may call it. */
    record BodyTarget(String name, String method, String path, String contentType, String who, String body) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<String> bodyTargets() {
        return Stream.of(
                "participant",
                "participant-update",
                "endpoint",
                "resource",
                "resource-update",
                "demand",
                "intake",
                "query",
                "mailbox-ack",
                "quarantine-replay",
                "negative-list",
                "registry-register",
                "registry-compatibility",
                "account");
    }

    @ParameterizedTest
    @MethodSource("bodyTargets")
    void bentJsonBodiesAreRefusedCleanlyAndWriteNothing(String name) {
        BodyTarget target = target(name);
        Random random = new Random(SEED ^ name.hashCode());
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < MUTATIONS_PER_ENDPOINT; i++) {
                Hostile.Mutation mutation =
                        Hostile.Mutation.values()[(i + random.nextInt(3)) % Hostile.Mutation.values().length];
                byte[] body = Hostile.json(target.body(), mutation, random);
                Map<String, Long> before = counts();
                Answer answer = send(target.method(), target.path(), target.contentType(), target.who(), body);
                assertClean(answer, name + " " + mutation);
                if (answer.status() >= 400) {
                    assertThat(counts())
                            .as("%s %s wrote rows it refused", name, mutation)
                            .isEqualTo(before);
                }
            }
        });
    }

    static Stream<String> pathTemplates() {
        return Stream.of(
                "GET /api/catalog/participants/{v}",
                "GET /api/catalog/participants/{v}/endpoints",
                "GET /api/catalog/resources/{v}",
                "GET /api/catalog/demands/{v}",
                "GET /api/catalog/agreements/{v}",
                "GET /api/catalog/demands/{v}/matches",
                "POST /api/exchange/dead-letters/{v}/replay",
                "POST /api/exchange/quarantine/{v}/replay",
                "POST /api/exchange/intake/{v}",
                "GET /api/exchange/mailbox?after={v}&limit={v}",
                "GET /api/exchange/quarantine?limit={v}&status={v}&resource={v}",
                "GET /api/exchange/dead-letters?limit={v}",
                "GET /api/exchange/deliveries?resource={v}&sourceRecordId={v}",
                "GET /api/audit/events?from={v}&to={v}&participant={v}&uuid={v}",
                "GET /api/audit/summary?from={v}&resource={v}",
                "GET /api/audit/lineage?resource={v}&sourceRecordId={v}",
                "GET /api/audit/verify?fromSeq={v}",
                "GET /api/calendar/deadline?start={v}&workingDays={v}",
                "GET /registry/schemas/ids/{v}",
                "GET /registry/subjects/{v}/versions/{v}",
                "GET /api/ops/routes/{v}",
                "POST /api/ops/routes/{v}/resume");
    }

    @ParameterizedTest
    @MethodSource("pathTemplates")
    void hostilePathAndQueryValuesAreRefusedCleanly(String template) {
        Random random = new Random(SEED ^ template.hashCode());
        String method = template.substring(0, template.indexOf(' '));
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < 8; i++) {
                StringBuilder path = new StringBuilder();
                String[] parts = template.substring(method.length() + 1).split("\\{v}", -1);
                for (int p = 0; p < parts.length; p++) {
                    path.append(parts[p]);
                    if (p < parts.length - 1) {
                        path.append(Hostile.pathValue(random));
                    }
                }
                Map<String, Long> before = counts();
                byte[] body = "{\"record\":{},\"records\":[{\"sourceRecordId\":\"x\",\"record\":{}}]}"
                        .getBytes(StandardCharsets.UTF_8);
                Answer answer =
                        send(method, path.toString(), "application/json", "admin", method.equals("GET") ? null : body);
                assertClean(answer, method + " " + path);
                if (answer.status() >= 400) {
                    assertThat(counts()).as("%s wrote rows it refused", path).isEqualTo(before);
                }
            }
        });
    }

    /**
     * Hostile CSV and JSON-lines files in a supplier's drop directory: each ends in done/ with its
     * result or in failed/ with its problems — never failed/ without a reason, never left behind.
     */
    @org.junit.jupiter.api.Test
    void hostileDroppedFilesEndDoneOrFailedWithAReason() throws Exception {
        java.nio.file.Path directory = java.nio.file.Path.of("target/it-drop", "fuzz-" + province.code())
                .toAbsolutePath();
        java.nio.file.Files.createDirectories(directory);
        province.fileDrop(directory);
        Random random = new Random(SEED);
        String header = "sourceRecordId,certificateNo,name,idNumber,school,mobile,religion\n";
        String line = JSON.writeValueAsString(Map.of("sourceRecordId", "J-1", "record", Map.of("name", "张三")));
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            boolean csv = i % 2 == 0;
            byte[] content = switch (i % 6) {
                case 0 ->
                    random.ints(300, 0, 256)
                            .collect(java.io.ByteArrayOutputStream::new, (out, b) -> out.write(b), (a, b) -> {})
                            .toByteArray();
                case 1 -> Hostile.json(line, Hostile.mutation(random), random);
                case 2 -> (header + "\"unclosed,quote\n" + "a,b\n").getBytes(StandardCharsets.UTF_8);
                case 3 ->
                    Hostile.json(
                            line, Hostile.Mutation.values()[random.nextInt(Hostile.Mutation.values().length)], random);
                case 4 -> (header + "x,".repeat(5_000) + "\n" + "\u0000,\u0000\n").getBytes(StandardCharsets.UTF_8);
                default -> (line + "\n" + "[".repeat(3_000) + "\n\n\n{}\n").getBytes(StandardCharsets.UTF_8);
            };
            String name = "hostile-" + i + (csv ? ".csv" : ".jsonl");
            java.nio.file.Path temp = directory.resolveSibling(name + ".part");
            java.nio.file.Files.write(temp, content);
            java.nio.file.Files.move(temp, directory.resolve(name));
            names.add(name);
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> {
            for (String name : names) {
                boolean done =
                        java.nio.file.Files.exists(directory.resolve("done").resolve(name + ".result.json"));
                boolean failed =
                        java.nio.file.Files.exists(directory.resolve("failed").resolve(name + ".problems.json"));
                assertThat(done || failed)
                        .as("%s ended done or failed with its problems", name)
                        .isTrue();
            }
        });
    }

    private BodyTarget target(String name) {
        String code = province.code();
        String provider = province.providerUscc();
        String participant = "/api/catalog/participants";
        return switch (name) {
            case "participant" ->
                body(
                        name,
                        "POST",
                        participant,
                        "admin",
                        Map.of(
                                "uscc",
                                cn.tongban.identifier.SyntheticIdentifiers.uscc(new Random(SEED), "430100"),
                                "name",
                                "测试局",
                                "kind",
                                "DEPARTMENT",
                                "regionCode",
                                "430100",
                                "contactOffice",
                                "数据科"));
            case "participant-update" ->
                body(
                        name,
                        "PUT",
                        participant + "/" + provider,
                        "provider",
                        Map.of(
                                "uscc",
                                provider,
                                "name",
                                "教育厅(交换)",
                                "kind",
                                "DEPARTMENT",
                                "regionCode",
                                "430100",
                                "contactOffice",
                                "数据科"));
            case "endpoint" ->
                body(
                        name,
                        "POST",
                        participant + "/" + provider + "/endpoints",
                        "provider",
                        Map.of(
                                "direction",
                                "SUPPLY",
                                "kind",
                                "HTTP_PULL",
                                "address",
                                "http://127.0.0.1:9/changes",
                                "resourceCode",
                                code));
            case "resource" ->
                body(
                        name,
                        "POST",
                        "/api/catalog/resources",
                        "provider",
                        CatalogFixture.resource(CatalogFixture.resourceCode(), provider));
            case "resource-update" ->
                body(
                        name,
                        "PUT",
                        "/api/catalog/resources/" + code,
                        "provider",
                        CatalogFixture.resource(code, provider));
            case "demand" ->
                body(
                        name,
                        "POST",
                        "/api/catalog/demands",
                        "admin",
                        CatalogFixture.demand(province.insurerUscc(), code, List.of("certificateNo")));
            case "intake" ->
                body(
                        name,
                        "POST",
                        "/api/exchange/intake/" + code,
                        "supplier",
                        Map.of(
                                "records",
                                List.of(Map.of(
                                        "sourceRecordId",
                                        "H-" + UUID.randomUUID(),
                                        "record",
                                        Map.of(
                                                "certificateNo",
                                                "C-1",
                                                "name",
                                                "张三",
                                                "idNumber",
                                                "11010519491231002X",
                                                "school",
                                                "湖南大学",
                                                "mobile",
                                                "13812345678",
                                                "religion",
                                                "无")))));
            case "query" ->
                body(
                        name,
                        "POST",
                        "/api/exchange/query/" + code,
                        "admin",
                        Map.of("key", "C-1", "agreementId", UUID.randomUUID().toString(), "purpose", "核验"));
            case "mailbox-ack" ->
                body(name, "POST", "/api/exchange/mailbox/ack", "admin", Map.of("ids", List.of(1, 2)));
            case "quarantine-replay" ->
                body(
                        name,
                        "POST",
                        "/api/exchange/quarantine/" + UUID.randomUUID() + "/replay",
                        "admin",
                        Map.of("record", Map.of("name", "张三")));
            case "negative-list" ->
                body(
                        name,
                        "POST",
                        "/api/catalog/negative-list",
                        "admin",
                        Map.of("resourceCode", code, "reason", "涉密", "legalBasis", "《保守国家秘密法》"));
            case "registry-register" ->
                new BodyTarget(
                        name,
                        "POST",
                        "/registry/subjects/fuzz-" + code + "-value/versions",
                        "application/vnd.schemaregistry.v1+json",
                        "admin",
                        "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"F\\\",\\\"fields\\\":[{\\\"name\\\":\\\"a\\\",\\\"type\\\":\\\"string\\\"}]}\"}");
            case "registry-compatibility" ->
                new BodyTarget(
                        name,
                        "POST",
                        "/registry/compatibility/subjects/" + code + "-value/versions/latest",
                        "application/vnd.schemaregistry.v1+json",
                        "admin",
                        "{\"schema\":\"\\\"string\\\"\"}");
            case "account" ->
                body(
                        name,
                        "POST",
                        participant + "/" + provider + "/accounts",
                        "provider",
                        Map.of(
                                "username",
                                "fz-" + UUID.randomUUID().toString().substring(0, 8),
                                "password",
                                "fuzz-password-1",
                                "displayName",
                                "fz",
                                "roles",
                                List.of("APPROVER")));
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static BodyTarget body(String name, String method, String path, String who, Object body) {
        return new BodyTarget(name, method, path, "application/json", who, JSON.writeValueAsString(body));
    }

    record Answer(int status, String contentType, String body) {}

    private Answer send(String method, String path, String contentType, String who, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", authorization(who))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null) {
            request.header("Content-Type", contentType);
        }
        HttpResponse<String> response =
                http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Answer(
                response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(""),
                response.body());
    }

    private String authorization(String who) {
        return switch (who) {
            case "supplier" -> supplierAuthorization;
            case "provider" -> province.providerAdmin().authorization();
            default ->
                "Basic " + Base64.getEncoder().encodeToString((who + ":tongban-demo").getBytes(StandardCharsets.UTF_8));
        };
    }

    private static void assertClean(Answer answer, String what) {
        assertThat(answer.status()).as("%s answered %s", what, answer.body()).isLessThan(500);
        if (answer.status() >= 400) {
            assertThat(answer.contentType())
                    .as("%s: %s", what, answer.body())
                    .matches("application/(problem\\+json|vnd\\.schemaregistry\\.v1\\+json).*");
            assertThat(answer.body()).as(what).contains("\"status\"").doesNotContain("Exception", "\tat ");
        }
    }

    private Map<String, Long> counts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String table : TABLES) {
            counts.put(table, jdbc.queryForObject("select count(*) from " + table, Long.class));
        }
        return counts;
    }
}
