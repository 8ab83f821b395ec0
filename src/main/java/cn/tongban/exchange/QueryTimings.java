package cn.tongban.exchange;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * 查询耗时: how long each answered query took, split into the supplier's part and the hub's own
 * (everything else: receiving, checking, projecting, masking, signing, auditing), with the wait for
 * the durable audit record — the largest part of the hub's own — shown on its own. Kept as timers
 * per resource for the operators, and told to the caller in a W3C {@code Server-Timing} header so a
 * demander can see whether a slow answer was the supplier or the hub.
 */
@Component
class QueryTimings {

    static final String HUB = "tongban.query.hub";
    static final String SUPPLIER = "tongban.query.supplier";
    static final String AUDIT = "tongban.query.audit";

    private final MeterRegistry registry;
    private final Map<String, Timers> timers = new ConcurrentHashMap<>();

    private record Timers(Timer hub, Timer supplier, Timer audit) {}

    QueryTimings(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Records one answered query; returns its Server-Timing header value (milliseconds): the hub's
     * own time, the audit wait within it, the supplier's time and the total.
     */
    String record(String resourceCode, long totalNanos, long supplierNanos, long auditNanos) {
        long hubNanos = Math.max(0, totalNanos - supplierNanos);
        Timers timer = timers.computeIfAbsent(resourceCode, this::timersOf);
        timer.hub().record(hubNanos, TimeUnit.NANOSECONDS);
        timer.supplier().record(supplierNanos, TimeUnit.NANOSECONDS);
        timer.audit().record(auditNanos, TimeUnit.NANOSECONDS);
        return "hub;dur=" + millis(hubNanos) + ";desc=\"hub overhead\", audit;dur=" + millis(auditNanos)
                + ";desc=\"waiting for the durable audit record\", supplier;dur=" + millis(supplierNanos)
                + ", total;dur=" + millis(totalNanos);
    }

    private Timers timersOf(String resourceCode) {
        return new Timers(
                Timer.builder(HUB)
                        .description("time a query spent in the hub, the supplier's part excluded")
                        .tag("resource", resourceCode)
                        .publishPercentiles(0.5, 0.9, 0.99)
                        .serviceLevelObjectives(Duration.ofMillis(5))
                        .register(registry),
                Timer.builder(SUPPLIER)
                        .description("time the supplier took to answer a query")
                        .tag("resource", resourceCode)
                        .publishPercentiles(0.5, 0.99)
                        .register(registry),
                Timer.builder(AUDIT)
                        .description("time a query's answer waited for its audit record to be durable")
                        .tag("resource", resourceCode)
                        .publishPercentiles(0.5, 0.99)
                        .register(registry));
    }

    /** Milliseconds with three decimals; by hand, because a Formatter per query cost ~4 % of its CPU. */
    static String millis(long nanos) {
        long micros = Math.max(0, nanos) / 1_000;
        long fraction = micros % 1_000;
        return (micros / 1_000) + (fraction < 10 ? ".00" : fraction < 100 ? ".0" : ".") + fraction;
    }
}
