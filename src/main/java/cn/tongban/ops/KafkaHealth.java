package cn.tongban.ops;

import cn.tongban.exchange.ExchangeProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Kafka, when the hub uses it (tongban.exchange.kafka-bootstrap-servers): UP while the cluster
 * answers with its brokers, DEGRADED when it does not (HTTP intake, webhooks and mailboxes go on;
 * Kafka routes wait, and their own checks say so). Asked at most every 10 s, so that health
 * probes do not become load on the brokers.
 */
@Component("kafkaHealthIndicator")
@ConditionalOnExpression("!'${tongban.exchange.kafka-bootstrap-servers:}'.isBlank()")
class KafkaHealth implements HealthIndicator, DisposableBean {

    private static final Duration FRESH_FOR = Duration.ofSeconds(10);
    private static final int TIMEOUT_MS = 2_000;

    private final Admin admin;
    private final Clock clock;
    private volatile Health last;
    private volatile Instant lastAt = Instant.EPOCH;

    KafkaHealth(ExchangeProperties properties, Clock clock) {
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, properties.kafkaBootstrapServers());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
        this.admin = Admin.create(config);
        this.clock = clock;
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
            return Health.up()
                    .withDetail("clusterId", cluster.clusterId().get(TIMEOUT_MS, TimeUnit.MILLISECONDS))
                    .withDetail("brokers", brokers)
                    .build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.status(HubHealth.DEGRADED)
                    .withDetail("error", "interrupted")
                    .build();
        } catch (Exception e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return Health.down()
                    .withDetail("error", cause.getClass().getSimpleName())
                    .build();
        }
    }

    @Override
    public void destroy() {
        admin.close(Duration.ofSeconds(2));
    }
}
