package cn.tongban.security.internal;

import cn.tongban.signing.Sm3;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Remembers, for a few minutes, that a password matched its stored bcrypt hash, so people using the
 * stateless API (auditors paging through the ledger) do not pay ~90 ms of bcrypt on every call.
 * The key is SM3 over the stored hash and the password together — the password itself is not kept —
 * and a changed password has a new stored hash, so it never matches an old entry. Account state
 * (revoked, roles) is still read on every call; only the hash comparison is remembered.
 */
class VerifiedPasswordCache implements PasswordEncoder {

    private static final int MAX_ENTRIES = 10_000;

    private final PasswordEncoder delegate;
    private final long ttlNanos;
    private final Map<String, Long> verified = new ConcurrentHashMap<>();

    VerifiedPasswordCache(PasswordEncoder delegate, Duration ttl) {
        this.delegate = delegate;
        this.ttlNanos = ttl.toNanos();
    }

    @Override
    public String encode(CharSequence raw) {
        return delegate.encode(raw);
    }

    @Override
    public boolean matches(CharSequence raw, String encoded) {
        if (raw == null || encoded == null) {
            return delegate.matches(raw, encoded);
        }
        String key = Sm3.hex(encoded + "\u0000" + raw);
        Long until = verified.get(key);
        long now = System.nanoTime();
        if (until != null && now - until < 0) {
            return true;
        }
        boolean matches = delegate.matches(raw, encoded);
        if (matches) {
            if (verified.size() >= MAX_ENTRIES) {
                verified.entrySet().removeIf(e -> now - e.getValue() >= 0);
                if (verified.size() >= MAX_ENTRIES) {
                    verified.clear();
                }
            }
            // From the end of the check: a bcrypt slower than the TTL must still be remembered.
            verified.put(key, System.nanoTime() + ttlNanos);
        }
        return matches;
    }

    @Override
    public boolean upgradeEncoding(String encoded) {
        return delegate.upgradeEncoding(encoded);
    }
}
