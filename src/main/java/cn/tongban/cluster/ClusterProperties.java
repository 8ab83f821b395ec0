package cn.tongban.cluster;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.UUID;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param instanceId this hub instance's name in the lease table; the host and process id with a
 *     random suffix unless configured (a restarted instance is a new holder, so it never inherits
 *     a lease it cannot prove it still holds)
 * @param leaseDuration how long a lease lasts without renewal: the longest an instance that died
 *     without a word keeps the singleton work stopped (10 s unless configured)
 * @param renewInterval how often the holder renews and the others try to take over (2 s)
 * @param namespace the lease the instances sharing one database compete for
 *     ({@value #DEFAULT_NAMESPACE}); hubs that must not share their singleton work although they
 *     share a database — the integration tests' contexts — name different ones
 */
@ConfigurationProperties("tongban.cluster")
public record ClusterProperties(String instanceId, Duration leaseDuration, Duration renewInterval, String namespace) {

    public static final String DEFAULT_NAMESPACE = "tongban-singletons";

    public ClusterProperties {
        instanceId = instanceId == null || instanceId.isBlank() ? defaultInstanceId() : instanceId;
        leaseDuration = leaseDuration == null ? Duration.ofSeconds(10) : leaseDuration;
        renewInterval = renewInterval == null ? Duration.ofSeconds(2) : renewInterval;
        namespace = namespace == null || namespace.isBlank() ? DEFAULT_NAMESPACE : namespace;
        if (renewInterval.isNegative() || renewInterval.isZero()) {
            throw new IllegalArgumentException("tongban.cluster.renew-interval must be positive");
        }
        if (leaseDuration.compareTo(renewInterval.multipliedBy(2)) < 0) {
            // One lost renewal must not cost the lease.
            throw new IllegalArgumentException(
                    "tongban.cluster.lease-duration must be at least twice tongban.cluster.renew-interval");
        }
        if (instanceId.length() > 200 || namespace.length() > 200) {
            throw new IllegalArgumentException(
                    "tongban.cluster.instance-id and tongban.cluster.namespace must be at most 200 characters");
        }
    }

    private static String defaultInstanceId() {
        // RuntimeMXBean's name is "pid@host".
        String pidAtHost = ManagementFactory.getRuntimeMXBean().getName();
        return pidAtHost + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
