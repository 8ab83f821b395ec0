package cn.tongban.ops;

import cn.tongban.exchange.ExchangeProperties;
import cn.tongban.exchange.IntakeTopicConsumer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Kafka, when the hub uses it (tongban.exchange.kafka-bootstrap-servers): UP while the cluster
 * answers with its brokers, DOWN when it does not (HTTP intake, webhooks and mailboxes go on;
 * Kafka routes wait, and their own checks say so). With the Kafka transport (ADR 0020) it also
 * says what piles up in the intake topic: per partition, how far the pipeline's consumer group
 * is behind the last committed write — the gauge {@code tongban_intake_topic_offsets_behind}.
 * Asked at most every 10 s, so that health probes and scrapes do not become load on the brokers.
 */
@Component("kafkaHealthIndicator")
@ConditionalOnExpression("!'${tongban.exchange.kafka-bootstrap-servers:}'.isBlank()")
class KafkaHealth implements HealthIndicator, DisposableBean {

    private static final Duration FRESH_FOR = Duration.ofSeconds(10);
    private static final int TIMEOUT_MS = 2_000;

    private final Admin admin;
    private final Clock clock;
    private final String intakeTopic;
    private volatile Health last;
    private volatile Instant lastAt = Instant.EPOCH;
    private volatile long offsetsBehind = -1;

    KafkaHealth(
            ExchangeProperties properties,
            cn.tongban.exchange.IntakeTopicProperties intake,
            Clock clock,
            io.micrometer.core.instrument.MeterRegistry meters) {
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, properties.kafkaBootstrapServers());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
        this.admin = Admin.create(config);
        this.clock = clock;
        this.intakeTopic = properties.transport() == ExchangeProperties.Transport.KAFKA ? intake.topic() : null;
        if (intakeTopic != null) {
            io.micrometer.core.instrument.Gauge.builder(
                            "tongban.intake.topic.offsets.behind", this, KafkaHealth::behind)
                    .description("Offsets of the intake topic its consumer group has not committed yet"
                            + " (a committed push leaves one transaction marker per partition it wrote)")
                    .register(meters);
        }
    }

    /** The gauge's reading: the last answer, asked again when it is older than the health's. */
    private double behind() {
        health();
        return offsetsBehind;
    }

    @Override
    public Health health() {
        Instant now = clock.instant();
        if (last == null || Duration.between(lastAt, now).compareTo(FRESH_FOR) > 0) {
            last = ask();
            lastAt = now;
        }
        return last;
    }

    private Health ask() {
        try {
            DescribeClusterResult cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs(TIMEOUT_MS));
            int brokers = cluster.nodes().get(TIMEOUT_MS, TimeUnit.MILLISECONDS).size();
            Map<String, Object> topic = intakeTopic == null ? null : intakeTopicOrWhyNot();
            // The brokers answer but the intake topic cannot be read: pushes may fail, consumers wait.
            Health.Builder health =
                    topic != null && topic.containsKey("error") ? Health.status(HubHealth.DEGRADED) : Health.up();
            health.withDetail("clusterId", cluster.clusterId().get(TIMEOUT_MS, TimeUnit.MILLISECONDS))
                    .withDetail("brokers", brokers);
            return (topic == null ? health : health.withDetail("intakeTopic", topic)).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.status(HubHealth.DEGRADED)
                    .withDetail("error", "interrupted")
                    .build();
        } catch (Exception e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            offsetsBehind = -1;
            return Health.down()
                    .withDetail("error", cause.getClass().getSimpleName())
                    .build();
        }
    }

    private Map<String, Object> intakeTopicOrWhyNot() throws InterruptedException {
        try {
            return intakeTopic();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            // The brokers answer but not for the topic (not made yet, or not readable by the hub).
            Throwable cause = e.getCause() == null ? e : e.getCause();
            offsetsBehind = -1;
            return Map.of("topic", intakeTopic, "error", cause.getClass().getSimpleName());
        }
    }

    /**
     * The intake topic's partitions and, for each, the offsets the pipeline's group is behind the
     * last stable one (committed writes only; a drained partition that took pushes shows 1, its
     * last transaction marker).
     */
    private Map<String, Object> intakeTopic() throws Exception {
        TopicDescription topic = admin.describeTopics(List.of(intakeTopic))
                .allTopicNames()
                .get(TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .get(intakeTopic);
        Map<TopicPartition, OffsetSpec> ends = new LinkedHashMap<>();
        topic.partitions().forEach(p -> ends.put(new TopicPartition(intakeTopic, p.partition()), OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> latest = admin.listOffsets(
                        ends, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                .all()
                .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(IntakeTopicConsumer.GROUP)
                .partitionsToOffsetAndMetadata()
                .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        Map<String, Long> behind = new LinkedHashMap<>();
        long total = 0;
        for (TopicPartition partition : ends.keySet()) {
            OffsetAndMetadata at = committed.get(partition);
            long lag = Math.max(0, latest.get(partition).offset() - (at == null ? 0 : at.offset()));
            behind.put(Integer.toString(partition.partition()), lag);
            total += lag;
        }
        offsetsBehind = total;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("topic", intakeTopic);
        details.put("consumerGroup", IntakeTopicConsumer.GROUP);
        details.put("offsetsBehind", total);
        details.put("byPartition", behind);
        return details;
    }

    @Override
    public void destroy() {
        admin.close(Duration.ofSeconds(2));
    }
}
