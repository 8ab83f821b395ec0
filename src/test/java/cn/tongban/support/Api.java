package cn.tongban.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A real HTTP client for the hub's API, as a participant's system would call it. */
public final class Api {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;
    private final String authorization;

    private Api(String base, String authorization) {
        this.base = base;
        this.authorization = authorization;
    }

    public static Api at(int port) {
        return new Api("http://localhost:" + port, null);
    }

    public Api as(String user, String password) {
        String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return new Api(base, "Basic " + token);
    }

    /** A demo login (every demo account has the password {@code tongban-demo}). */
    public Api as(String demoUser) {
        return as(demoUser, "tongban-demo");
    }

    /** The same caller talking to another hub instance on this machine. */
    public Api onPort(int port) {
        return new Api("http://localhost:" + port, authorization);
    }

    /** The Authorization header this client sends, for requests it cannot build itself. */
    public String authorization() {
        return authorization;
    }

    public Reply get(String path) {
        return send(request(path).GET());
    }

    public Reply post(String path, Object body) {
        return send(request(path).header("Content-Type", "application/json").POST(body(body)));
    }

    /** A POST with the schema registry's media type, as Confluent clients send it. */
    public Reply postRegistry(String path, Object body) {
        return send(request(path)
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(body(body)));
    }

    public Reply put(String path, Object body) {
        return send(request(path).header("Content-Type", "application/json").PUT(body(body)));
    }

    public Reply delete(String path) {
        return send(request(path).DELETE());
    }

    /** Any other method (HEAD, OPTIONS, PATCH), without a body. */
    public Reply send(String method, String path) {
        return send(request(path).method(method, HttpRequest.BodyPublishers.noBody()));
    }

    public static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path));
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return builder;
    }

    private static HttpRequest.BodyPublisher body(Object body) {
        String text = body instanceof String s ? s : JSON.writeValueAsString(body);
        return HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8);
    }

    private Reply send(HttpRequest.Builder builder) {
        try {
            HttpResponse<String> response =
                    http.send(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Reply(
                    response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""),
                    response.body(),
                    response.headers());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An answer: status, content type, body and the other headers. */
    public record Reply(int status, String contentType, String body, java.net.http.HttpHeaders headers) {

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        public JsonNode json() {
            return body.isEmpty() ? JSON.missingNode() : JSON.readTree(body);
        }

        /** The rules named by a problem+json answer, as {@code field:rule}. */
        public java.util.List<String> violations() {
            java.util.List<String> out = new java.util.ArrayList<>();
            json().path("errors")
                    .forEach(e -> out.add(
                            e.path("field").asString() + ":" + e.path("rule").asString()));
            return out;
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }
}
