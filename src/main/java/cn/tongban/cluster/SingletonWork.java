package cn.tongban.cluster;

import java.time.Instant;
import java.util.Optional;

/**
 * Who does the singleton work now: for the operators' health page and for code that must know
 * whether this instance is the one (the routes themselves need not ask: their policy starts and
 * stops them).
 */
public interface SingletonWork {

    /** The lease as PostgreSQL holds it now. */
    record Lease(String holder, Instant acquiredAt, Instant expiresAt) {}

    String instanceId();

    /** Whether this instance holds the lease (as of its last renewal). */
    boolean isLeader();

    /** The current lease, if an instance holds one that has not expired. */
    Optional<Lease> lease();
}
