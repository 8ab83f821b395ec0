package cn.tongban.exchange;

import cn.tongban.exchange.internal.ExchangeStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * 积压监测: what waits in the outbox per endpoint — backlog, the age of the oldest pending
 * delivery (delivery lag) and dead letters — read in one grouped query and kept for a few
 * seconds, so that scrapes, health checks and the operators' API do not each hit the database.
 */
@Component
public class OutboxWatch {

    private static final Duration FRESH_FOR = Duration.ofSeconds(2);

    private final ExchangeStore store;
    private final DeliveryRoutes routes;
    private final Clock clock;
    private volatile Snapshot snapshot = new Snapshot(Instant.EPOCH, Map.of(), 0);

    OutboxWatch(ExchangeStore store, DeliveryRoutes routes, Clock clock) {
        this.store = store;
        this.routes = routes;
        this.clock = clock;
    }

    /** One endpoint's backlog at {@code at}. */
    public record Backlog(long pending, Duration lag, long deadLetters) {
        static final Backlog NONE = new Backlog(0, Duration.ZERO, 0);
    }

    private record Snapshot(Instant at, Map<UUID, ExchangeStore.EndpointBacklog> backlogs, long quarantined) {}

    public Backlog of(DeliveryLane lane) {
        Snapshot now = current();
        ExchangeStore.EndpointBacklog b = now.backlogs().get(lane.endpoint().id());
        if (b == null) {
            return Backlog.NONE;
        }
        Duration lag = b.oldestPending() == null ? Duration.ZERO : Duration.between(b.oldestPending(), now.at());
        return new Backlog(b.pending(), lag.isNegative() ? Duration.ZERO : lag, b.dead());
    }

    public long quarantined() {
        return current().quarantined();
    }

    public Iterable<DeliveryLane> lanes() {
        return routes.lanes();
    }

    /** Forgets the snapshot (after an operator's action, so the answer shows its effect). */
    public void refresh() {
        snapshot = read();
    }

    private Snapshot current() {
        Snapshot s = snapshot;
        if (Duration.between(s.at(), clock.instant()).compareTo(FRESH_FOR) > 0) {
            synchronized (this) {
                s = snapshot;
                if (Duration.between(s.at(), clock.instant()).compareTo(FRESH_FOR) > 0) {
                    s = read();
                    snapshot = s;
                }
            }
        }
        return s;
    }

    private Snapshot read() {
        return new Snapshot(clock.instant(), store.endpointBacklogs(), store.heldInQuarantine());
    }
}
