package cn.tongban.ops;

import cn.tongban.catalog.Endpoint;
import cn.tongban.catalog.EndpointKind;
import cn.tongban.exchange.ExchangeProperties;
import cn.tongban.exchange.HubRequestSigning;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.springframework.stereotype.Component;

/**
 * 连通性测试: what an operator asks before blaming a partner — can the hub reach the endpoint,
 * over which TLS, what does it answer and how fast. A webhook gets an HTTP HEAD (no record is
 * sent); a Kafka topic is described by the brokers. Nothing about records is in the answer.
 */
@Component
public class EndpointProbe {

    private final ExchangeProperties properties;
    private final HubRequestSigning signing;
    private final HttpClient http;

    EndpointProbe(ExchangeProperties properties, HubRequestSigning signing) {
        this.properties = properties;
        this.signing = signing;
        this.http = HttpClient.newBuilder()
                .connectTimeout(properties.webhookTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** How a connection test went: {@code reachable}, TLS protocol and peer, HTTP status, latency, or why not. */
    public record Result(
            String endpointKind, boolean reachable, String tls, Integer statusCode, long latencyMs, String detail) {}

    Result test(Endpoint endpoint) {
        if (endpoint.kind() == EndpointKind.WEBHOOK || endpoint.kind() == EndpointKind.HTTP_QUERY) {
            return http(endpoint);
        }
        if (endpoint.kind() == EndpointKind.KAFKA_TOPIC) {
            return kafka(endpoint);
        }
        return new Result(endpoint.kind().name(), true, null, null, 0, "hosted by the hub itself: nothing to reach");
    }

    private Result http(Endpoint endpoint) {
        long start = System.nanoTime();
        try {
            URI target = URI.create(endpoint.address());
            HttpRequest.Builder request = HttpRequest.newBuilder(target)
                    .method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .timeout(properties.webhookTimeout());
            signing.headers("HEAD", target, new byte[0]).forEach(request::header);
            HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
            String tls = response.sslSession().map(EndpointProbe::describe).orElse(null);
            return new Result(
                    endpoint.kind().name(),
                    true,
                    tls,
                    response.statusCode(),
                    millisSince(start),
                    "answered HTTP " + response.statusCode());
        } catch (IOException e) {
            return new Result(
                    endpoint.kind().name(),
                    false,
                    null,
                    null,
                    millisSince(start),
                    "not reachable (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(endpoint.kind().name(), false, null, null, millisSince(start), "interrupted");
        }
    }

    private Result kafka(Endpoint endpoint) {
        if (properties.kafkaBootstrapServers().isBlank()) {
            return new Result("KAFKA_TOPIC", false, null, null, 0, "no Kafka brokers are configured");
        }
        long start = System.nanoTime();
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, properties.kafkaBootstrapServers());
        int timeout = (int) properties.webhookTimeout().toMillis();
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
        try (Admin admin = Admin.create(config)) {
            var topics = admin.describeTopics(
                            java.util.List.of(endpoint.address()), new DescribeTopicsOptions().timeoutMs(timeout))
                    .allTopicNames()
                    .get(timeout, TimeUnit.MILLISECONDS);
            int partitions = topics.get(endpoint.address()).partitions().size();
            return new Result(
                    "KAFKA_TOPIC", true, null, null, millisSince(start), "topic has " + partitions + " partitions");
        } catch (Exception e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return new Result(
                    "KAFKA_TOPIC",
                    false,
                    null,
                    null,
                    millisSince(start),
                    "not reachable (" + cause.getClass().getSimpleName() + ")");
        }
    }

    private static String describe(SSLSession session) {
        return session.getProtocol() + " " + session.getCipherSuite();
    }

    private static long millisSince(long start) {
        return Duration.ofNanos(System.nanoTime() - start).toMillis();
    }
}
