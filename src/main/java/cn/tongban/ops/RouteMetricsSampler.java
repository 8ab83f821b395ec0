package cn.tongban.ops;

import cn.tongban.exchange.ExchangeProperties;
import cn.tongban.exchange.RouteControls.RouteKind;
import cn.tongban.ops.RouteOverview.RouteView;
import cn.tongban.ops.internal.RouteSampleStore;
import cn.tongban.ops.internal.RouteSampleStore.Sample;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * 指标采样: each sampling interval (the {@code ops-metrics-sampler} route), what every route did
 * since this instance's previous sample, read from the meters the hub already keeps (the routes'
 * counts of {@link RouteOverview}; records received and quarantined for the intake pipeline;
 * Camel's {@code camel.route.policy} timers for latency), written as one
 * tick tagged with this instance's id. A counter that went back (a restart, a route made anew)
 * counts from zero: a delta is never negative. Samples past the retention are deleted.
 */
@Component("routeMetricsSampler")
class RouteMetricsSampler {

    /** Every channel's batches pass this route (routes/intake.camel.yaml): its records are the hub's received records. */
    static final String INTAKE_PIPELINE = "intake-pipeline";

    private final RouteOverview overview;
    private final MeterRegistry registry;
    private final RouteSampleStore store;
    private final MetricsProperties properties;
    private final String instanceId;
    private final Clock clock;
    private Map<String, Reading> previous = Map.of();
    private Instant previousAt;

    RouteMetricsSampler(
            RouteOverview overview,
            MeterRegistry registry,
            RouteSampleStore store,
            MetricsProperties properties,
            ExchangeProperties exchange,
            Clock clock) {
        this.overview = overview;
        this.registry = registry;
        this.store = store;
        this.properties = properties;
        this.instanceId = exchange.instanceId();
        this.clock = clock;
        this.previousAt = clock.instant();
    }

    /** A route's meters as they read now: running totals since this instance started them. */
    record Reading(long records, long failures, long exchanges, long timedCount, double timedTotalMs, double maxMs) {}

    /**
     * One tick: the deltas of every route that did something or has a backlog, then the samples
     * past the retention deleted (an indexed range delete; every instance may run it at once).
     */
    public synchronized void sample() {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Map<String, Reading> readings = new HashMap<>();
        List<Sample> samples = new ArrayList<>();
        for (RouteView route : overview.routes()) {
            Reading reading = read(route);
            readings.put(route.id(), reading);
            Sample sample = delta(route, reading, previous.get(route.id()));
            if (sample.exchanges() > 0 || sample.records() > 0 || sample.failures() > 0 || backlogged(sample)) {
                samples.add(sample);
            }
        }
        long intervalMs = Math.max(1, Duration.between(previousAt, now).toMillis());
        store.insert(instanceId, now, intervalMs, samples);
        previous = readings;
        previousAt = now;
        store.prune(now.minus(properties.retention()));
    }

    private Reading read(RouteView route) {
        long count = 0;
        double totalMs = 0;
        double maxMs = 0;
        for (Timer timer :
                registry.find("camel.route.policy").tag("routeId", route.id()).timers()) {
            count += timer.count();
            totalMs += timer.totalTime(TimeUnit.MILLISECONDS);
            maxMs = Math.max(maxMs, timer.max(TimeUnit.MILLISECONDS));
        }
        long records;
        long failures;
        if (route.kind() == RouteKind.DELIVERY && route.delivered() != null) {
            records = route.delivered();
            failures = route.failedDeliveries();
        } else if (route.id().equals(INTAKE_PIPELINE)) {
            records = (long) sum("tongban.records.received");
            failures = (long) sum("tongban.records.quarantined") + route.failedExchanges();
        } else {
            // The hub's own routes (timers, housekeeping) carry no records: their exchanges and failures only.
            records = 0;
            failures = route.failedExchanges();
        }
        return new Reading(records, failures, route.exchanges(), count, totalMs, maxMs);
    }

    /** A counter summed over its tags (every channel, resource and participant). */
    private double sum(String counter) {
        return registry.find(counter).counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count)
                .sum();
    }

    static Sample delta(RouteView route, Reading now, Reading before) {
        Reading base = before == null ? new Reading(0, 0, 0, 0, 0, 0) : before;
        long timed = since(now.timedCount(), base.timedCount());
        double timedMs = now.timedCount() < base.timedCount()
                ? now.timedTotalMs()
                : Math.max(0, now.timedTotalMs() - base.timedTotalMs());
        return new Sample(
                route.id(),
                since(now.records(), base.records()),
                since(now.failures(), base.failures()),
                since(now.exchanges(), base.exchanges()),
                timed,
                timedMs,
                // Micrometer's max decays over minutes: it only speaks for an interval that timed something.
                timed > 0 ? now.maxMs() : null,
                route.backlog());
    }

    /** A counter read lower than before was started anew: everything it holds is new. */
    private static long since(long now, long before) {
        return now >= before ? now - before : now;
    }

    private static boolean backlogged(Sample sample) {
        return sample.backlog() != null && sample.backlog() > 0;
    }
}
