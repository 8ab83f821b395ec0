package cn.tongban.web;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import cn.tongban.support.Api;
import cn.tongban.support.HubTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Every refusal, from the controllers up to Tomcat itself, answers application/problem+json with
 * a type under urn:tongban:problem:, and a client's mistake leaves no stack trace in the log (#12).
 */
@HubTest
class ApiErrorsIT {

    static final String BASIC_ADMIN =
            "Basic " + Base64.getEncoder().encodeToString("admin:tongban-demo".getBytes(StandardCharsets.UTF_8));

    @LocalServerPort
    int port;

    Api anonymous;
    Api admin;
    ListAppender<ILoggingEvent> logged;

    @BeforeEach
    void listen() {
        anonymous = Api.at(port);
        admin = anonymous.as("admin");
        logged = new ListAppender<>();
        logged.start();
        root().addAppender(logged);
    }

    @AfterEach
    void noStackTraceWasLogged() { // #12
        root().detachAppender(logged);
        for (ILoggingEvent event : logged.list) {
            assertThat(event.getThrowableProxy())
                    .as("logged with a stack trace: %s %s", event.getLoggerName(), event.getFormattedMessage())
                    .isNull();
            assertThat(event.getFormattedMessage()).doesNotContain("NullPointerException", "\tat ");
            if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
                assertThat(event.getLoggerName())
                        .as("a client's mistake logged at %s: %s", event.getLevel(), event.getFormattedMessage())
                        .doesNotStartWith("cn.tongban.web")
                        .doesNotStartWith("cn.tongban.security")
                        .doesNotStartWith("org.springframework.web")
                        .doesNotStartWith("org.springframework.security")
                        .doesNotStartWith("org.apache.catalina")
                        .doesNotStartWith("org.apache.coyote")
                        .doesNotStartWith("org.apache.tomcat");
            }
        }
    }

    @Test
    void s01_anUnknownPathUnderApiIsAProblem() { // #12
        Api.Reply reply = admin.get("/api/nope");
        assertProblem(reply.status(), reply.contentType(), reply.body(), 404, "not-found");
    }

    @Test
    void s02_anUnknownPathOutsideApiIsAProblemToo() { // #12
        Api.Reply reply = admin.get("/nope");
        assertProblem(reply.status(), reply.contentType(), reply.body(), 404, "not-found");
        Api.Reply direct = admin.get("/error");
        assertProblem(direct.status(), direct.contentType(), direct.body(), 404, "not-found");
    }

    @Test
    void s03_aWrongMethodIs405WithAllow() { // #12
        Api.Reply reply = admin.delete("/api/calendar/deadline");
        assertProblem(reply.status(), reply.contentType(), reply.body(), 405, "method-not-allowed");
        assertThat(reply.header("Allow")).contains("GET");
        assertThat(reply.violations()).containsExactly("method:supported-method");
    }

    @Test
    void s04_anUnsupportedMediaTypeIs415() { // #12
        HttpResponse<String> reply = send(HttpRequest.newBuilder(uri("/api/catalog/resources"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("code=X")));
        assertProblem(reply, 415, "unsupported-media-type");
        assertThat(violations(reply)).containsExactly("Content-Type:supported-media-type");
    }

    @Test
    void s05_anAnswerTheClientDoesNotAcceptIs406() { // #12
        HttpResponse<String> reply =
                send(HttpRequest.newBuilder(uri("/api/calendar/deadline?start=2026-03-02&workingDays=3"))
                        .header("Accept", "text/csv")
                        .GET());
        assertProblem(reply, 406, "not-acceptable");
        assertThat(violations(reply)).containsExactly("Accept:acceptable-media-type");
    }

    @Test
    void s06_aMissingQueryParameterIsNamed() { // #12
        Api.Reply reply = admin.get("/api/calendar/deadline?start=2026-03-02");
        assertProblem(reply.status(), reply.contentType(), reply.body(), 400, "bad-request");
        assertThat(reply.violations()).containsExactly("workingDays:required");
    }

    @Test
    void s07_aMissingOrUnreadableBodyIsNamed() {
        for (String body : List.of("", "{", "[1, 2]")) {
            Api.Reply reply = admin.post("/api/catalog/resources", body);
            assertProblem(reply.status(), reply.contentType(), reply.body(), 400, "bad-request");
            assertThat(reply.violations()).as(body).containsExactly("body:readable");
        }
    }

    @Test
    void s08_aPathVariableOfTheWrongTypeIsNamed() {
        Api.Reply reply = admin.delete("/api/catalog/negative-list/not-a-uuid");
        assertProblem(reply.status(), reply.contentType(), reply.body(), 400, "bad-request");
        assertThat(reply.violations()).containsExactly("id:type");
    }

    @Test
    void s09_pathsTomcatRefusesAreProblemsNotHtml() throws IOException { // #12
        for (String target :
                List.of("/api/catalog/resources/a%2Fb", "/api/catalog/resources/a%00b", "/a%2F..%2Fb", "/%00")) {
            RawReply reply = raw(target);
            assertProblem(reply.status, reply.header("content-type"), reply.body, 400, "bad-request");
            assertThat(violations(reply.body)).as(target).containsExactly("path:allowed-characters");
        }
    }

    @Test
    void s10_pathsTheFirewallRefusesAreProblems() throws IOException { // #12
        for (String target :
                List.of("/api/catalog/resources;jsessionid=1", "/api/catalog/a%25b", "/api//catalog/resources")) {
            RawReply reply = raw(target);
            assertProblem(reply.status, reply.header("content-type"), reply.body, 400, "bad-request");
            assertThat(violations(reply.body)).as(target).containsExactly("path:allowed-characters");
        }
    }

    @Test
    void s11_noLoginIs401WithTheChallengeAndNoRightIs403() {
        for (String path : List.of("/api/catalog/resources", "/nope", "/api/nope")) {
            Api.Reply reply = anonymous.get(path);
            assertProblem(reply.status(), reply.contentType(), reply.body(), 401, "unauthorized");
            assertThat(reply.header("WWW-Authenticate")).startsWith("Basic");
        }
        Api.Reply wrong = anonymous.as("admin", "wrong-password").get("/api/nope");
        assertProblem(wrong.status(), wrong.contentType(), wrong.body(), 401, "unauthorized");
        Api.Reply forbidden = anonymous.as("ga-admin").get("/api/catalog/history");
        assertProblem(forbidden.status(), forbidden.contentType(), forbidden.body(), 403, "forbidden");
    }

    private static void assertProblem(
            int status, String contentType, String body, int expectedStatus, String expectedType) {
        assertThat(status).as(body).isEqualTo(expectedStatus);
        assertThat(contentType).as(body).startsWith("application/problem+json");
        JsonNode problem = Api.json(body);
        assertThat(problem.path("type").asString()).isEqualTo("urn:tongban:problem:" + expectedType);
        assertThat(problem.path("status").asInt()).isEqualTo(expectedStatus);
        assertThat(body).doesNotContain("Exception", "\tat ", "<html");
    }

    private static void assertProblem(HttpResponse<String> reply, int expectedStatus, String expectedType) {
        assertProblem(
                reply.statusCode(),
                reply.headers().firstValue("Content-Type").orElse(""),
                reply.body(),
                expectedStatus,
                expectedType);
    }

    private static List<String> violations(HttpResponse<String> reply) {
        return violations(reply.body());
    }

    private static List<String> violations(String body) {
        List<String> out = new java.util.ArrayList<>();
        Api.json(body)
                .path("errors")
                .forEach(e -> out.add(
                        e.path("field").asString() + ":" + e.path("rule").asString()));
        return out;
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HttpClient.newHttpClient()
                    .send(request.header("Authorization", BASIC_ADMIN).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An answer read off the socket: no client between the test and Tomcat to normalise the path. */
    record RawReply(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), "");
        }
    }

    /** A GET of exactly this request target, as an admin, over a plain socket. */
    private RawReply raw(String target) throws IOException {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: localhost:" + port + "\r\nAuthorization: " + BASIC_ADMIN
                            + "\r\nAccept: application/json\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return parse(readAll(socket.getInputStream()));
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        in.transferTo(bytes);
        // One char a byte, so that chunk sizes count right; the body is decoded as UTF-8 after.
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    private static RawReply parse(String response) {
        int end = response.indexOf("\r\n\r\n");
        String[] lines = response.substring(0, end).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(
                    lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).trim());
        }
        String body = response.substring(end + 4);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = unchunk(body);
        }
        return new RawReply(
                Integer.parseInt(lines[0].split(" ")[1]),
                headers,
                new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
    }

    private static String unchunk(String chunked) {
        StringBuilder body = new StringBuilder();
        int at = 0;
        while (true) {
            int lineEnd = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, lineEnd).trim(), 16);
            if (size == 0) {
                return body.toString();
            }
            body.append(chunked, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}
