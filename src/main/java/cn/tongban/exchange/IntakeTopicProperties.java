package cn.tongban.exchange;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * 接收主题: the Kafka transport's settings ({@code tongban.exchange.transport=kafka}, ADR 0020).
 * The brokers are {@code tongban.exchange.kafka-bootstrap-servers}, the same as for Kafka endpoints.
 *
 * @param topic the intake topic every instance writes pushed batches to and consumes from
 * @param partitions its partitions when the hub creates the topic (a topic made beforehand keeps its
 *     own count, which is the one used): each is one lane of order
 *     (a person's records always take the same one), and at most this many consumers share the
 *     work; a pushed batch is cut into one part per partition its records fall in
 * @param replicationFactor copies of each partition the hub asks for when it creates the topic
 *     (3 on a real cluster; 1 for a single broker)
 * @param consumers consumer threads on this instance
 * @param sendTimeout how long a batch may take to be written to the topic before the push is
 *     answered 503 (the supplier sends it again)
 * @param producers Kafka transactions this instance runs at once (each its own transactional id)
 * @param sessionTimeout how long the group waits for a consumer that stopped answering (a crashed
 *     instance) before its partitions go to the others; one that stops in order leaves at once
 */
@ConfigurationProperties("tongban.exchange.kafka")
public record IntakeTopicProperties(
        String topic,
        int partitions,
        short replicationFactor,
        int consumers,
        Duration sendTimeout,
        int producers,
        Duration sessionTimeout) {

    public IntakeTopicProperties {
        topic = topic == null || topic.isBlank() ? "tongban.intake" : topic;
        partitions = partitions <= 0 ? 4 : partitions;
        replicationFactor = replicationFactor <= 0 ? 1 : replicationFactor;
        consumers = consumers <= 0 ? 1 : consumers;
        sendTimeout = sendTimeout == null ? Duration.ofSeconds(10) : sendTimeout;
        producers = producers <= 0 ? 4 : producers;
        sessionTimeout = sessionTimeout == null ? Duration.ofSeconds(10) : sessionTimeout;
    }
}
