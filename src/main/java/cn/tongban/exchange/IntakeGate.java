package cn.tongban.exchange;

import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Component;

/**
 * 接收闸门: closed while the hub is in maintenance. HTTP pushes are then answered 503 with
 * Retry-After (the supplier keeps its batch and sends it again); nothing already queued is touched.
 */
@Component
public class IntakeGate {

    /** Why and since when intake is closed. */
    public record Closure(Instant since, String by, String reason, Duration retryAfter) {}

    private volatile Closure closure;

    public void close(Closure closure) {
        this.closure = closure;
    }

    public void open() {
        this.closure = null;
    }

    /** The closure in force, or null while intake is open. */
    public Closure closure() {
        return closure;
    }
}
