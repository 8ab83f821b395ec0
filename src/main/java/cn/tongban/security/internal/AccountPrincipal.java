package cn.tongban.security.internal;

import cn.tongban.security.Actor;
import java.time.Instant;
import java.util.stream.Collectors;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.User;

/**
 * A loaded account as Spring Security sees it, carrying the participant it belongs to and its
 * lockout state. Spring's own "locked" flag stays false: the lock is checked after the password
 * ({@link LoginConfiguration}), so a locked login costs the same bcrypt as any other and its
 * answer cannot be told apart.
 */
public class AccountPrincipal extends User {

    private final Actor actor;
    private final int failedLogins;
    private final Instant lockedUntil;
    private final boolean signedRequestsRequired;

    AccountPrincipal(AccountRepository.StoredAccount account) {
        this(account, false);
    }

    AccountPrincipal(AccountRepository.Login login) {
        this(login.account(), login.signedRequestsRequired());
    }

    private AccountPrincipal(AccountRepository.StoredAccount account, boolean signedRequestsRequired) {
        super(
                account.username(),
                account.secretHash(),
                account.revokedAt() == null,
                true,
                true,
                true,
                account.roles().stream()
                        .map(role -> new SimpleGrantedAuthority("ROLE_" + role.name()))
                        .collect(Collectors.toSet()));
        this.actor = new Actor(account.username(), account.participantUscc(), account.roles());
        this.failedLogins = account.failedLogins();
        this.lockedUntil = account.lockedUntil();
        this.signedRequestsRequired = signedRequestsRequired;
    }

    /** An account known by name, participant and roles only (a signed request's system, tests). */
    static AccountPrincipal of(String username, String participantUscc, java.util.Set<cn.tongban.security.Role> roles) {
        return of(username, participantUscc, roles, false);
    }

    static AccountPrincipal of(
            String username,
            String participantUscc,
            java.util.Set<cn.tongban.security.Role> roles,
            boolean signedRequestsRequired) {
        return new AccountPrincipal(
                new AccountRepository.StoredAccount(
                        username, "SYSTEM", participantUscc, roles, "", null, Instant.EPOCH, null, null),
                signedRequestsRequired);
    }

    /** Whether the account's participant requires signed requests, read with the account at login. */
    boolean signedRequestsRequired() {
        return signedRequestsRequired;
    }

    public Actor actor() {
        return actor;
    }

    int failedLogins() {
        return failedLogins;
    }

    boolean lockedAt(Instant now) {
        return lockedUntil != null && lockedUntil.isAfter(now);
    }
}
