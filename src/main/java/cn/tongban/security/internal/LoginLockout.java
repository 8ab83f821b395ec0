package cn.tongban.security.internal;

import cn.tongban.security.SecurityEvents;
import cn.tongban.security.SecurityEvents.Refusal;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.security.core.AuthenticationException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * 登录锁定: counts a person's wrong passwords in a row in the database (so every instance agrees)
 * and locks the login when they reach the limit; every refusal and every lock is reported for the
 * ledger. A failure's count, lock and ledger entries commit together.
 *
 * <p>System credentials are not locked: they are 256-bit random secrets that no one can guess
 * in ten or ten million tries, and their key ids are not secret, so locking them would only let
 * anyone who knows a key id stop a department's data (their failures are still recorded).
 */
@Component
class LoginLockout {

    private static final Logger log = LoggerFactory.getLogger(LoginLockout.class);

    private final AccountRepository accounts;
    private final LockoutProperties properties;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transaction;
    private final Clock clock;

    LoginLockout(
            AccountRepository accounts,
            LockoutProperties properties,
            ApplicationEventPublisher events,
            TransactionTemplate transaction,
            Clock clock) {
        this.accounts = accounts;
        this.properties = properties;
        this.events = events;
        this.transaction = transaction;
        this.clock = clock;
    }

    @EventListener
    void on(AbstractAuthenticationFailureEvent failure) {
        // The name as typed; the credentials in the event are never read.
        String username = failure.getAuthentication().getName();
        Refusal refusal = refusal(failure.getException());
        try {
            transaction.executeWithoutResult(status -> failed(username, refusal));
        } catch (RuntimeException e) {
            // The login stays refused; only its count and ledger entries are missing.
            log.error("could not record a refused login: {}", e.getClass().getSimpleName());
        }
    }

    /** A success after failures starts the count again; a success without them writes nothing. */
    @EventListener
    void on(AuthenticationSuccessEvent success) {
        if (success.getAuthentication().getPrincipal() instanceof AccountPrincipal account
                && account.failedLogins() > 0) {
            accounts.clearFailures(account.getUsername());
        }
    }

    private void failed(String username, Refusal refusal) {
        Instant now = clock.instant();
        Optional<AccountRepository.StoredAccount> found = username == null ? Optional.empty() : accounts.find(username);
        if (found.isEmpty()) {
            events.publishEvent(new SecurityEvents.LoginFailed(null, null, Refusal.BAD_CREDENTIALS, 0, now));
            return;
        }
        AccountRepository.StoredAccount account = found.get();
        if (!account.isPerson() || refusal != Refusal.BAD_CREDENTIALS) {
            events.publishEvent(new SecurityEvents.LoginFailed(
                    account.username(), account.participantUscc(), refusal, account.failedLogins(), now));
            return;
        }
        Optional<AccountRepository.Failures> counted =
                accounts.countFailure(username, properties.maxFailures(), now, now.plus(properties.duration()));
        if (counted.isEmpty()) {
            // Locked already: a wrong password does not extend the lock.
            events.publishEvent(new SecurityEvents.LoginFailed(
                    account.username(), account.participantUscc(), Refusal.LOCKED, properties.maxFailures(), now));
            return;
        }
        AccountRepository.Failures failures = counted.get();
        events.publishEvent(new SecurityEvents.LoginFailed(
                account.username(), account.participantUscc(), Refusal.BAD_CREDENTIALS, failures.inARow(), now));
        if (failures.lockedUntil() != null) {
            events.publishEvent(new SecurityEvents.AccountLocked(
                    account.username(), account.participantUscc(), failures.inARow(), failures.lockedUntil(), now));
        }
    }

    private static Refusal refusal(AuthenticationException e) {
        if (e instanceof BadCredentialsException) {
            return Refusal.BAD_CREDENTIALS;
        }
        if (e instanceof LockedException) {
            return Refusal.LOCKED;
        }
        if (e instanceof DisabledException) {
            return Refusal.REVOKED;
        }
        return Refusal.OTHER;
    }
}
