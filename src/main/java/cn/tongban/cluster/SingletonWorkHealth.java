package cn.tongban.cluster;

import java.time.Duration;
import java.time.Instant;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * 单例任务: which instance does the singleton work. UP while some instance holds the lease; DOWN
 * when none does (for longer than one lease the seals, pulls and deadline checks have stopped) or
 * the lease cannot be read.
 */
@Component("singletonWorkHealthIndicator")
class SingletonWorkHealth implements HealthIndicator {

    private final SingletonWork work;

    SingletonWorkHealth(SingletonWork work) {
        this.work = work;
    }

    @Override
    public Health health() {
        try {
            Health.Builder health = work.lease().map(lease -> held(lease)).orElseGet(Health::down);
            return health.withDetail("instance", work.instanceId())
                    .withDetail("thisInstanceLeads", work.isLeader())
                    .build();
        } catch (DataAccessException e) {
            return Health.down()
                    .withDetail("error", e.getClass().getSimpleName())
                    .build();
        }
    }

    private static Health.Builder held(SingletonWork.Lease lease) {
        return Health.up()
                .withDetail("holder", lease.holder())
                .withDetail(
                        "heldForSeconds",
                        Duration.between(lease.acquiredAt(), Instant.now()).toSeconds());
    }
}
