package cn.tongban.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeCompletedEvent;
import org.apache.camel.spi.CamelEvent.ExchangeCreatedEvent;
import org.apache.camel.spi.CamelEvent.ExchangeEvent;
import org.apache.camel.spi.CamelEvent.ExchangeFailedEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * Camel's route meters under the names and tags camel-micrometer gives them ({@code
 * camel.exchanges.total}, {@code .succeeded}, {@code .failed}, {@code .failures.handled}, {@code
 * .external.redeliveries}, {@code camel.exchanges.inflight}, the {@code camel.route.policy} timer;
 * tags {@code camelContext}, {@code routeId}, {@code kind}, {@code eventType}), so existing Camel
 * dashboards work. Written by hand because camel-micrometer 4.22.0 is not served here.
 */
public class CamelRouteMetrics extends EventNotifierSupport {

    private final MeterRegistry registry;
    private final Map<String, RouteMeters> routes = new ConcurrentHashMap<>();

    /** A route's last failed exchange as operators see it: when, and the exception's type. */
    public record LastFailure(Instant at, String exception) {}

    public CamelRouteMetrics(MeterRegistry registry) {
        this.registry = registry;
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeSendingEvents(true);
        setIgnoreExchangeSentEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof ExchangeCreatedEvent
                || event instanceof ExchangeCompletedEvent
                || event instanceof ExchangeFailedEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        Exchange exchange = ((ExchangeEvent) event).getExchange();
        String routeId = exchange.getFromRouteId();
        if (routeId == null) {
            return;
        }
        RouteMeters meters = routes.computeIfAbsent(routeId, id -> new RouteMeters(exchange.getContext(), id));
        if (event instanceof ExchangeCreatedEvent) {
            meters.inflight.incrementAndGet();
        } else {
            meters.done(exchange, event instanceof ExchangeFailedEvent || exchange.isFailed());
        }
    }

    public Optional<LastFailure> lastFailure(String routeId) {
        return Optional.ofNullable(routes.get(routeId)).map(m -> m.lastFailure);
    }

    public long exchanges(String routeId) {
        RouteMeters meters = routes.get(routeId);
        return meters == null ? 0 : (long) meters.total.count();
    }

    public long failedExchanges(String routeId) {
        RouteMeters meters = routes.get(routeId);
        return meters == null ? 0 : (long) (meters.failed.count() + meters.handled.count());
    }

    private final class RouteMeters {
        final AtomicInteger inflight = new AtomicInteger();
        final Counter total;
        final Counter succeeded;
        final Counter failed;
        final Counter handled;
        final Counter externalRedeliveries;
        final Timer succeededTimer;
        final Timer failedTimer;
        volatile LastFailure lastFailure;

        RouteMeters(CamelContext camel, String routeId) {
            Tags tags = Tags.of(
                    "camelContext",
                    camel.getName(),
                    "routeId",
                    routeId,
                    "kind",
                    "CamelRoute",
                    "eventType",
                    "RouteEvent");
            total = registry.counter("camel.exchanges.total", tags);
            succeeded = registry.counter("camel.exchanges.succeeded", tags);
            failed = registry.counter("camel.exchanges.failed", tags);
            handled = registry.counter("camel.exchanges.failures.handled", tags);
            externalRedeliveries = registry.counter("camel.exchanges.external.redeliveries", tags);
            succeededTimer = registry.timer("camel.route.policy", tags.and("failed", "false"));
            failedTimer = registry.timer("camel.route.policy", tags.and("failed", "true"));
            Gauge.builder("camel.exchanges.inflight", inflight, AtomicInteger::get)
                    .tags(tags)
                    .register(registry);
        }

        void done(Exchange exchange, boolean failedExchange) {
            inflight.decrementAndGet();
            total.increment();
            boolean failureHandled = exchange.getExchangeExtension().isFailureHandled()
                    || Boolean.TRUE.equals(exchange.getProperty(ExchangePropertyKey.FAILURE_HANDLED));
            if (failedExchange) {
                failed.increment();
            } else if (failureHandled) {
                handled.increment();
            } else {
                succeeded.increment();
            }
            if (exchange.isExternalRedelivered()) {
                externalRedeliveries.increment();
            }
            if (failedExchange || failureHandled) {
                Exception cause = exchange.getException() != null
                        ? exchange.getException()
                        : exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Exception.class);
                lastFailure = new LastFailure(
                        Instant.now(),
                        cause == null ? "unknown" : cause.getClass().getName());
            }
            Duration took = Duration.ofMillis(Math.max(0, exchange.getClock().elapsed()));
            (failedExchange ? failedTimer : succeededTimer).record(took);
        }
    }
}
