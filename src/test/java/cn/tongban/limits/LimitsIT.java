package cn.tongban.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import cn.tongban.exchange.ExchangeProvinceAccess;
import cn.tongban.support.Api;
import cn.tongban.support.CatalogFixture;
import cn.tongban.support.HubTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

/**
 * What a hostile or mistaken caller gets (#13): an oversized body is refused with 413 before it is
 * read, a NUL character with 400 naming the field, an oversized record or field is quarantined as
 * a summary with its reason; nothing refused is written. Small limits: limits-it.properties.
 */
@HubTest
@TestPropertySource(locations = "classpath:limits-it.properties")
class LimitsIT {

    static final long MAX_BODY = 256 * 1024;

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    ExchangeProvinceAccess province;
    Api admin;

    @BeforeEach
    void province() {
        province = new ExchangeProvinceAccess(port);
        admin = Api.at(port).as("admin");
    }

    @AfterEach
    void close() {
        province.close();
    }

    @Test
    void s01_aDeclaredLengthOverTheLimitIs413BeforeTheBodyIsRead() throws Exception { // #13
        long rows = count("exchange_batch") + count("quarantine");
        // 50 MB announced, none of it sent: the answer must come without waiting for the body.
        String answer = assertTimeoutPreemptively(
                Duration.ofSeconds(10),
                () -> raw(
                        "POST /api/exchange/intake/" + province.code()
                                + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: "
                                + basic("admin") + "\r\nContent-Type: application/json\r\nContent-Length: "
                                + (50L * 1024 * 1024) + "\r\n\r\n",
                        new byte[0]));
        assertProblem(answer, 413);
        assertThat(answer).contains("\"field\":\"body\"", "\"rule\":\"max-size\"");
        assertThat(count("exchange_batch") + count("quarantine")).isEqualTo(rows);
    }

    @Test
    void s02_aChunkedBodyIsCutAtTheLimit() throws Exception { // #13
        long rows = count("exchange_batch") + count("quarantine");
        String start = "{\"records\":[{\"sourceRecordId\":\"BIG-1\",\"record\":{\"name\":\"";
        byte[] filler = "x".repeat(16 * 1024).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream chunks = new ByteArrayOutputStream();
        chunk(chunks, start.getBytes(StandardCharsets.UTF_8));
        // Twice the limit, in chunks: no Content-Length to refuse it by.
        for (long sent = 0; sent < 2 * MAX_BODY; sent += filler.length) {
            chunk(chunks, filler);
        }
        String answer = assertTimeoutPreemptively(
                Duration.ofSeconds(20),
                () -> raw(
                        "POST /api/exchange/intake/" + province.code()
                                + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + basic("admin")
                                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
                        chunks.toByteArray()));
        assertProblem(answer, 413);
        assertThat(answer).contains("\"rule\":\"max-size\"");
        assertThat(count("exchange_batch") + count("quarantine")).isEqualTo(rows);
    }

    @Test
    void s03_aNulInAParticipantsNameIs400NamingTheField() { // #13
        long participants = count("participant");
        Api.Reply reply = admin.post(
                "/api/catalog/participants",
                Map.of(
                        "uscc",
                        cn.tongban.identifier.SyntheticIdentifiers.uscc(new java.util.Random(3), "430100"),
                        "name",
                        "教育\u0000厅",
                        "kind",
                        "DEPARTMENT",
                        "regionCode",
                        "430100",
                        "contactOffice",
                        "数据科"));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.violations()).containsExactly("name:no-nul");
        assertThat(count("participant")).isEqualTo(participants);
    }

    @Test
    void s04_aNulInAResourceIs400NamingTheField() { // #13
        long resources = count("resource");
        Map<String, Object> resource = new java.util.HashMap<>(
                CatalogFixture.resource(CatalogFixture.resourceCode(), province.providerUscc()));
        resource.put("summary", "学历\u0000信息");
        Api.Reply reply = province.providerAdmin().post("/api/catalog/resources", resource);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
        assertThat(reply.violations()).containsExactly("summary:no-nul");
        assertThat(count("resource")).isEqualTo(resources);
    }

    @Test
    void s05_aNulInARecordOrAQueryParameterIs400AndNothingIsWritten() { // #13
        long rows = count("exchange_batch") + count("quarantine") + count("delivery");
        Api.Reply inValue = province.supplierSystem()
                .post(
                        "/api/exchange/intake/" + province.code(),
                        Map.of(
                                "records",
                                List.of(Map.of("sourceRecordId", "N-1", "record", Map.of("name", "张\u0000三")))));
        assertThat(inValue.status()).as(inValue.toString()).isEqualTo(400);
        assertThat(inValue.violations()).containsExactly("records[0].record.name:no-nul");
        Api.Reply inId = province.supplierSystem()
                .post(
                        "/api/exchange/intake/" + province.code(),
                        Map.of("records", List.of(Map.of("sourceRecordId", "N\u00002", "record", Map.of()))));
        assertThat(inId.violations()).containsExactly("records[0].sourceRecordId:no-nul");
        Api.Reply inQuery = province.supplierSystem()
                .get("/api/exchange/deliveries?resource=" + province.code() + "&sourceRecordId=N%003");
        assertThat(inQuery.status()).as(inQuery.toString()).isEqualTo(400);
        assertThat(inQuery.contentType()).startsWith("application/problem+json");
        assertThat(inQuery.violations()).containsExactly("sourceRecordId:no-nul");
        assertThat(count("exchange_batch") + count("quarantine") + count("delivery"))
                .isEqualTo(rows);
    }

    @Test
    void s06_aRecordOverTheSizeLimitIsQuarantinedAsASummary() { // #13
        Map<String, Object> big = record("BIG-2", Map.of("school", "x".repeat(100_000)));
        Api.Reply reply = province.supplierSystem()
                .post("/api/exchange/intake/" + province.code(), Map.of("records", List.of(big)));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(202);
        assertThat(reply.json().at("/results/0/reasons/0/field").asString()).isEqualTo("record");
        assertThat(reply.json().at("/results/0/reasons/0/rule").asString()).isEqualTo("max-size");
        Long held = jdbc.queryForObject(
                "select length(payload_cipher) from quarantine where source_record_id = 'BIG-2'", Long.class);
        assertThat(held).isLessThan(2_000L);
    }

    @Test
    void s07_aTextFieldOverItsLengthIsQuarantinedNamingTheField() { // #13
        Map<String, Object> longName = record("LONG-1", Map.of("school", "院".repeat(2_001)));
        Api.Reply reply = province.supplierSystem()
                .post(
                        "/api/exchange/intake/" + province.code(),
                        Map.of("records", List.of(longName, record("OK-1", Map.of()))));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(202);
        assertThat(reply.json().at("/results/0/status").asString()).isEqualTo("QUARANTINED");
        assertThat(reply.json().at("/results/0/reasons/0/field").asString()).isEqualTo("school");
        assertThat(reply.json().at("/results/0/reasons/0/rule").asString()).isEqualTo("max-length");
        assertThat(reply.json().at("/results/1/status").asString()).isEqualTo("ACCEPTED");
    }

    @Test
    void s08_anOversizedLineInADroppedFileIsQuarantined_theOthersGoThrough() throws Exception { // #13
        java.nio.file.Path directory =
                java.nio.file.Path.of("target/it-drop", province.code()).toAbsolutePath();
        province.fileDrop(directory);
        String lines = JSON.writeValueAsString(record("FD-1", Map.of())) + "\n"
                + JSON.writeValueAsString(record("FD-BIG", Map.of("school", "x".repeat(40_000)))) + "\n"
                + JSON.writeValueAsString(record("FD-2", Map.of())) + "\n";
        java.nio.file.Files.createDirectories(directory);
        java.nio.file.Path temp = directory.resolveSibling(province.code() + ".tmp");
        java.nio.file.Files.writeString(temp, lines);
        java.nio.file.Files.move(temp, directory.resolve("big.jsonl"));
        java.nio.file.Path result = directory.resolve("done").resolve("big.jsonl.result.json");
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> java.nio.file.Files.exists(result));
        var summary = Api.json(java.nio.file.Files.readString(result));
        assertThat(summary.get("accepted").asInt()).isEqualTo(2);
        assertThat(summary.at("/quarantined/0/line").asInt()).isEqualTo(2);
        assertThat(summary.at("/quarantined/0/reasons/0/rule").asString()).isEqualTo("max-size");
    }

    @Test
    void s09_aFeedThatDripsItsAnswerIsCutAtTheTimeout_oneThatAnswersTooMuchAtTheLimit() throws Exception { // #13
        var feed = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        feed.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        feed.createContext("/drip", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write('{');
                // One byte now and then, for ever: each read succeeds, the answer never ends.
                while (!stop.get()) {
                    out.write(' ');
                    out.flush();
                    Thread.sleep(200);
                }
            } catch (IOException | InterruptedException gone) {
                // the hub hung up, as it should
            }
        });
        feed.start();
        ExchangeProvinceAccess second = new ExchangeProvinceAccess(port);
        try {
            String base = "http://127.0.0.1:" + feed.getAddress().getPort();
            province.pullFeed(base + "/drip");
            second.pullFeed(base + "/big");
            feed.createContext("/big", exchange -> {
                byte[] body = ("{\"records\":[],\"pad\":\"" + "x".repeat((int) MAX_BODY) + "\"}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> outcome(province.code()) != null && outcome(second.code()) != null);
            assertThat(outcome(province.code())).isEqualTo("did not answer within PT2S");
            assertThat(outcome(second.code())).isEqualTo("answered more than " + MAX_BODY + " bytes");
        } finally {
            stop.set(true);
            second.close();
            feed.stop(0);
        }
    }

    private String outcome(String resource) {
        return jdbc
                .query(
                        "select last_outcome from pull_cursor where resource_code = ?",
                        (rs, i) -> rs.getString(1),
                        resource)
                .stream()
                .filter(java.util.Objects::nonNull)
                .findFirst()
                .orElse(null);
    }

    static final tools.jackson.databind.json.JsonMapper JSON =
            tools.jackson.databind.json.JsonMapper.builder().build();

    /** A valid degree record, some fields replaced. */
    static Map<String, Object> record(String sourceId, Map<String, Object> replaced) {
        Map<String, Object> record = new java.util.HashMap<>(Map.of(
                "certificateNo", "105421202005001",
                "name", "张三",
                "idNumber",
                        cn.tongban.identifier.SyntheticIdentifiers.idNumber(
                                new java.util.Random(sourceId.hashCode()),
                                "430102",
                                java.time.LocalDate.of(1995, 5, 20)),
                "school", "湖南大学",
                "mobile", "13812345678",
                "religion", "无"));
        record.putAll(replaced);
        return Map.of("sourceRecordId", sourceId, "record", record);
    }

    long count(String table) {
        return jdbc.queryForObject("select count(*) from " + table, Long.class);
    }

    static void assertProblem(String answer, int status) {
        assertThat(answer).startsWith("HTTP/1.1 " + status);
        assertThat(answer.toLowerCase()).contains("content-type: application/problem+json");
        assertThat(answer).doesNotContain("Exception", "\tat ");
    }

    static String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":tongban-demo").getBytes(StandardCharsets.UTF_8));
    }

    /** A whole answer: its Content-Length read, or its last chunk. */
    static boolean complete(String answer) {
        int end = answer.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        var length =
                java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(answer.substring(0, end));
        if (length.find()) {
            return answer.getBytes(StandardCharsets.UTF_8).length >= end + 4 + Integer.parseInt(length.group(1));
        }
        return answer.endsWith("\r\n0\r\n\r\n");
    }

    private static void chunk(ByteArrayOutputStream out, byte[] data) throws IOException {
        out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(data);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    /** The hub's answer to a request written byte by byte; what the hub no longer reads is not sent. */
    String raw(String head, byte[] body) throws IOException {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.UTF_8));
            try {
                for (int at = 0; at < body.length; at += 8192) {
                    out.write(body, at, Math.min(8192, body.length - at));
                }
                out.flush();
            } catch (IOException closedByTheHub) {
                // The hub answered and closed the connection before the whole body was written.
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; !complete(answer.toString(StandardCharsets.UTF_8)) && (n = in.read(buffer)) >= 0; ) {
                    answer.write(buffer, 0, n);
                }
            } catch (IOException reset) {
                // What was read before the reset is the answer.
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }
}
