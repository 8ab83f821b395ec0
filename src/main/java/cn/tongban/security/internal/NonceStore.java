package cn.tongban.security.internal;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The nonces of signed requests, in PostgreSQL so that a request replayed to another hub instance
 * is refused too: the primary key (key id, nonce) lets exactly one use through. Expired rows are
 * deleted now and then by whichever instance inserts, so no scheduler is needed.
 */
@Component
class NonceStore {

    private static final Duration CLEANUP_EVERY = Duration.ofMinutes(1);

    private final JdbcClient jdbc;
    private final Clock clock;
    private final AtomicLong nextCleanup = new AtomicLong();

    NonceStore(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Records the nonce; false when it was recorded before (a replay). */
    boolean firstUse(String keyId, String nonce, Instant expiresAt) {
        cleanUpNowAndThen();
        return jdbc.sql("""
                        insert into signed_request_nonce (key_id, nonce, expires_at) values (?, ?, ?)
                        on conflict do nothing""").params(keyId, nonce, Timestamp.from(expiresAt)).update() == 1;
    }

    /** Deletes the nonces whose requests are outside the replay window; returns how many. */
    int deleteExpired() {
        return jdbc.sql("delete from signed_request_nonce where expires_at < ?")
                .param(Timestamp.from(clock.instant()))
                .update();
    }

    private void cleanUpNowAndThen() {
        long now = clock.millis();
        long due = nextCleanup.get();
        if (now >= due && nextCleanup.compareAndSet(due, now + CLEANUP_EVERY.toMillis())) {
            deleteExpired();
        }
    }
}
