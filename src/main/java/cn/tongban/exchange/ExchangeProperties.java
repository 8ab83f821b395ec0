package cn.tongban.exchange;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param signingMode how intake signs when a request does not say
 * @param dispatchBatch how many due deliveries one dispatcher pass claims
 * @param maxAttempts attempts before a delivery goes to the dead letters
 * @param retryBase first retry delay; doubled each attempt up to {@code retryMax}
 * @param webhookTimeout how long a demander's webhook may take to answer
 * @param kafkaBootstrapServers brokers for KAFKA_TOPIC deliveries; empty: such deliveries fail and are retried
 * @param queryTimeout how long a supplier's query endpoint may take to answer a synchronous query
 * @param fileDropRoot the only directory tree under which file-drop endpoints are watched
 * @param pullRealtimeInterval how often a REALTIME resource is pulled (other cycles: their period)
 * @param pullPageSize records asked for per pull request
 */
@ConfigurationProperties("tongban.exchange")
public record ExchangeProperties(
        IntakeService.SigningMode signingMode,
        int dispatchBatch,
        int maxAttempts,
        Duration retryBase,
        Duration retryMax,
        Duration webhookTimeout,
        String kafkaBootstrapServers,
        Duration queryTimeout,
        Path fileDropRoot,
        Duration pullRealtimeInterval,
        int pullPageSize) {

    public ExchangeProperties {
        signingMode = signingMode == null ? IntakeService.SigningMode.BATCH : signingMode;
        dispatchBatch = dispatchBatch <= 0 ? 500 : dispatchBatch;
        maxAttempts = maxAttempts <= 0 ? 8 : maxAttempts;
        retryBase = retryBase == null ? Duration.ofSeconds(1) : retryBase;
        retryMax = retryMax == null ? Duration.ofMinutes(5) : retryMax;
        webhookTimeout = webhookTimeout == null ? Duration.ofSeconds(10) : webhookTimeout;
        kafkaBootstrapServers = kafkaBootstrapServers == null ? "" : kafkaBootstrapServers;
        queryTimeout = queryTimeout == null ? Duration.ofSeconds(2) : queryTimeout;
        fileDropRoot = fileDropRoot == null ? Path.of("data", "drop") : fileDropRoot;
        pullRealtimeInterval = pullRealtimeInterval == null ? Duration.ofMinutes(1) : pullRealtimeInterval;
        pullPageSize = pullPageSize <= 0 ? 1000 : Math.min(pullPageSize, IntakeService.MAX_BATCH);
    }

    /** The delay before attempt {@code attempts + 1}: exponential, capped. */
    public Duration backoff(int attempts) {
        long factor = 1L << Math.min(Math.max(attempts - 1, 0), 20);
        Duration delay = retryBase.multipliedBy(factor);
        return delay.compareTo(retryMax) > 0 ? retryMax : delay;
    }
}
