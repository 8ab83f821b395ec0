package cn.tongban.exchange;

import cn.tongban.catalog.Endpoint;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * 投递通道: one demand endpoint as its delivery route sees it — the circuit breaker that stops
 * calling a partner that keeps failing, and the last success and failure for operators. A
 * failure's reason names what happened (a status code, an exception type), never a payload.
 */
public final class DeliveryLane {

    /** An outcome as operators see it: when, and what (a status code or exception type, never record content). */
    public record Outcome(Instant at, String detail) {}

    /** How a lane stands for operators: SUSPENDED by them, UP while deliveries get through, DOWN otherwise. */
    public enum Health {
        UP,
        DOWN,
        SUSPENDED
    }

    private final Endpoint endpoint;
    private final String routeId;
    private final String description;
    private final CircuitBreaker breaker;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile Outcome lastSuccess;
    private volatile Outcome lastFailure;
    private volatile String notStarted;

    DeliveryLane(Endpoint endpoint, String routeId, String description, CircuitBreaker breaker) {
        this.endpoint = endpoint;
        this.routeId = routeId;
        this.description = description;
        this.breaker = breaker;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    public String routeId() {
        return routeId;
    }

    public String description() {
        return description;
    }

    public CircuitBreaker.State circuit() {
        return breaker.getState();
    }

    /** Healthy while the breaker lets deliveries through and the route could be started. */
    public boolean healthy() {
        CircuitBreaker.State state = breaker.getState();
        return notStarted == null && (state == CircuitBreaker.State.CLOSED || state == CircuitBreaker.State.DISABLED);
    }

    public long deliveredCount() {
        return delivered.get();
    }

    public long failedCount() {
        return failed.get();
    }

    public Outcome lastSuccess() {
        return lastSuccess;
    }

    public Outcome lastFailure() {
        return lastFailure;
    }

    /** Why the route is not running (e.g. no Kafka brokers configured), or null. */
    public String notStarted() {
        return notStarted;
    }

    CircuitBreaker breaker() {
        return breaker;
    }

    void notStarted(String why) {
        this.notStarted = why;
    }

    void succeeded(Instant at, int deliveries, long elapsedNanos) {
        delivered.addAndGet(deliveries);
        lastSuccess = new Outcome(at, deliveries + " delivered");
        breaker.onSuccess(elapsedNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Records the failure before telling the breaker: whoever sees the circuit open (health, the
     * operators' API) then also sees why.
     */
    void failed(Instant at, int deliveries, String reason, long elapsedNanos, Throwable cause) {
        failed.addAndGet(deliveries);
        lastFailure = new Outcome(at, reason);
        breaker.onError(elapsedNanos, TimeUnit.NANOSECONDS, cause == null ? new IllegalStateException(reason) : cause);
    }
}
