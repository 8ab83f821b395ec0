package cn.tongban.security;

import java.time.Instant;

/**
 * What happens to logins, for the audit ledger. Never a password, and never the name typed for
 * an account that does not exist (people type their password into the name field).
 */
public final class SecurityEvents {

    private SecurityEvents() {}

    /** Why a login was refused; the caller is only ever told "authentication required". */
    public enum Refusal {
        /** wrong password, or no such account */
        BAD_CREDENTIALS,
        /** refused because the login is locked, whatever the password */
        LOCKED,
        /** the login or credential is revoked */
        REVOKED,
        OTHER
    }

    /**
     * 登录失败. {@code account} is null when no such account exists; {@code inARow} counts a
     * person's failures since the last success or lock (0 for system credentials, which are not locked).
     */
    public record LoginFailed(String account, String participantUscc, Refusal refusal, int inARow, Instant at) {}

    /** 账号锁定: a person's login refused until {@code until} after {@code failures} failures in a row. */
    public record AccountLocked(String account, String participantUscc, int failures, Instant until, Instant at) {}

    /** 账号解锁 by a platform administrator. */
    public record AccountUnlocked(String account, String participantUscc, String by, Instant at) {}
}
