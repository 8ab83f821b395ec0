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
 * @param kafkaBootstrapServers brokers for KAFKA_TOPIC endpoints; empty: their routes do not start and deliveries wait
 * @param queryTimeout how long a supplier's query endpoint may take to answer a synchronous query
 * @param fileDropRoot the only directory tree under which file-drop endpoints are watched
 * @param pullRealtimeInterval how often a REALTIME resource is pulled (other cycles: their period)
 * @param pullPageSize records asked for per pull request
 * @param redeliveries immediate re-sends within one delivery pass (Camel's redelivery) before the
 *     pass counts as a failed attempt
 * @param breakerCalls how many recent passes an endpoint's circuit breaker judges; it opens when
 *     half of them failed
 * @param breakerOpenFor how long an open breaker waits before one trial delivery
 * @param instanceId this hub instance among those sharing a database (default: the host name); a
 *     restarted instance ends the delivery leases it held before, so what it was sending when it
 *     crashed goes out at once instead of when the lease runs out. Give each instance its own.
 * @param transport how a pushed batch reaches the intake pipeline: in this instance's own process
 *     (the default), or through the intake topic of a Kafka cluster, so that every instance's
 *     consumers share the pipeline's work (ADR 0020, {@code tongban.exchange.kafka.*})
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
        int pullPageSize,
        Integer redeliveries,
        int breakerCalls,
        Duration breakerOpenFor,
        String instanceId,
        Transport transport) {

    /** 传输方式: where the intake pipeline's work comes from. */
    public enum Transport {
        /** The instance that takes a batch in runs the pipeline on it, in the request. */
        IN_PROCESS,
        /** The batch goes to the intake topic; the pipeline runs on whichever instance consumes it. */
        KAFKA
    }

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
        redeliveries = redeliveries == null || redeliveries < 0 ? 1 : redeliveries;
        breakerCalls = breakerCalls <= 0 ? 4 : breakerCalls;
        breakerOpenFor = breakerOpenFor == null ? Duration.ofSeconds(30) : breakerOpenFor;
        instanceId = instanceId == null || instanceId.isBlank() ? hostName() : instanceId;
        transport = transport == null ? Transport.IN_PROCESS : transport;
    }

    /**
     * How long a claimed delivery is leased to the route sending it: every try of a pass within
     * its timeout, and a margin. A hub that dies mid-send leaves the lease to run out, and the
     * delivery is sent again with its idempotency key.
     */
    public Duration deliveryLease() {
        // A try may wait for a pooled connection, to connect and for the answer (Kafka: to block,
        // then for the acknowledgement), each up to the timeout.
        return webhookTimeout.multipliedBy(3L * (redeliveries + 1L)).plusSeconds(30);
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    /** The delay before attempt {@code attempts + 1}: exponential, capped. */
    public Duration backoff(int attempts) {
        long factor = 1L << Math.min(Math.max(attempts - 1, 0), 20);
        Duration delay = retryBase.multipliedBy(factor);
        return delay.compareTo(retryMax) > 0 ? retryMax : delay;
    }
}
