package cn.tongban.schema.serde;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A cached client of a Confluent-compatible registry (the hub's own, or Confluent's): schemas by
 * id never change, so they are cached for good; "latest" is cached for a configurable time.
 */
public final class RegistryClient {

    private static final String MEDIA_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String baseUrl;
    private final String authorization;
    private final Duration latestTtl;
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(30);
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Map<Integer, Schema> byId = new ConcurrentHashMap<>();
    private final Map<String, Integer> idBySubjectAndSchema = new ConcurrentHashMap<>();
    private final Map<String, Versioned> byVersion = new ConcurrentHashMap<>();
    private final Map<String, Timed> latest = new ConcurrentHashMap<>();

    /** A schema with its id, as registered under a subject. */
    public record Versioned(int id, int version, Schema schema) {}

    private record Timed(Versioned versioned, long at) {}

    public RegistryClient(String baseUrl, String userInfo, Duration latestTtl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.authorization = userInfo == null || userInfo.isBlank()
                ? null
                : "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
        this.latestTtl = latestTtl;
    }

    public int register(String subject, Schema schema) {
        return idBySubjectAndSchema.computeIfAbsent(
                subject + "\u0000" + schema,
                key -> send("POST", "/subjects/" + subject + "/versions", schemaBody(schema))
                        .get("id")
                        .asInt());
    }

    /** The id under which this schema is registered in the subject (it must be). */
    public int lookup(String subject, Schema schema) {
        return idBySubjectAndSchema.computeIfAbsent(
                subject + "\u0000" + schema,
                key -> send("POST", "/subjects/" + subject, schemaBody(schema))
                        .get("id")
                        .asInt());
    }

    public Schema byId(int id) {
        return byId.computeIfAbsent(
                id,
                key -> new Schema.Parser()
                        .parse(send("GET", "/schemas/ids/" + id, null)
                                .get("schema")
                                .asString()));
    }

    public Versioned version(String subject, int version) {
        return byVersion.computeIfAbsent(subject + "\u0000" + version, key -> fetch(subject, String.valueOf(version)));
    }

    public Versioned latest(String subject) {
        Timed cached = latest.get(subject);
        long now = System.nanoTime();
        if (cached != null && now - cached.at() < latestTtl.toNanos()) {
            return cached.versioned();
        }
        Versioned fresh = fetch(subject, "latest");
        latest.put(subject, new Timed(fresh, now));
        return fresh;
    }

    private Versioned fetch(String subject, String version) {
        JsonNode body = send("GET", "/subjects/" + subject + "/versions/" + version, null);
        Schema schema = new Schema.Parser().parse(body.get("schema").asString());
        byId.putIfAbsent(body.get("id").asInt(), schema);
        return new Versioned(body.get("id").asInt(), body.get("version").asInt(), schema);
    }

    private static String schemaBody(Schema schema) {
        return JSON.writeValueAsString(Map.of("schema", schema.toString()));
    }

    private JsonNode send(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(ANSWER_WITHIN)
                .header("Accept", MEDIA_TYPE)
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", MEDIA_TYPE);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            // The request's timeout ends when the headers arrive: the whole answer gets a deadline too.
            var call = http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            HttpResponse<String> response;
            try {
                response = call.get(ANSWER_WITHIN.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                call.cancel(true);
                throw new SerializationException("schema registry did not answer within " + ANSWER_WITHIN, e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IOException("schema registry call failed", e.getCause());
            }
            JsonNode json = response.body().isBlank() ? JSON.missingNode() : JSON.readTree(response.body());
            if (response.statusCode() >= 300) {
                throw new SerializationException("schema registry answered " + response.statusCode() + " (error_code "
                        + json.path("error_code").asInt() + "): "
                        + json.path("message").asString(""));
            }
            return json;
        } catch (IOException e) {
            throw new SerializationException("schema registry unreachable at " + baseUrl, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SerializationException("interrupted while calling the schema registry", e);
        }
    }
}
