package cn.tongban.security.internal;

import cn.tongban.security.Role;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class AccountRepository {

    private final JdbcClient jdbc;

    AccountRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A stored account; the secret hash never leaves this module. */
    public record StoredAccount(
            String username,
            String kind,
            String participantUscc,
            Set<Role> roles,
            String secretHash,
            String displayName,
            Instant createdAt,
            String createdBy,
            Instant revokedAt,
            int failedLogins,
            Instant lockedUntil) {

        /** A new account: no failures, not locked. */
        public StoredAccount(
                String username,
                String kind,
                String participantUscc,
                Set<Role> roles,
                String secretHash,
                String displayName,
                Instant createdAt,
                String createdBy,
                Instant revokedAt) {
            this(
                    username,
                    kind,
                    participantUscc,
                    roles,
                    secretHash,
                    displayName,
                    createdAt,
                    createdBy,
                    revokedAt,
                    0,
                    null);
        }

        public boolean isPerson() {
            return "PERSON".equals(kind);
        }
    }

    /** A person's failures in a row after one more, and the lock it caused (null when none). */
    public record Failures(int inARow, Instant lockedUntil) {}

    public Optional<StoredAccount> find(String username) {
        return jdbc.sql("select * from account where username = ?")
                .param(username)
                .query(AccountRepository::map)
                .optional();
    }

    /** An account as a login needs it: with its participant's choice to require signed requests. */
    public record Login(StoredAccount account, boolean signedRequestsRequired) {}

    /** The account and, in the same query, whether its participant requires signed requests (V13). */
    public Optional<Login> findForLogin(String username) {
        return jdbc.sql("""
                        select a.*, coalesce(pa.require_signed_requests, false) as signed_requests_required
                        from account a left join participant_authentication pa on pa.participant_uscc = a.participant_uscc
                        where a.username = ?""")
                .param(username)
                .query((rs, row) -> new Login(map(rs, row), rs.getBoolean("signed_requests_required")))
                .optional();
    }

    public List<StoredAccount> ofParticipant(String uscc, String kind) {
        return jdbc.sql("select * from account where participant_uscc = ? and kind = ? order by created_at")
                .params(uscc, kind)
                .query(AccountRepository::map)
                .list();
    }

    public boolean exists(String username) {
        return jdbc.sql("select count(*) from account where username = ?")
                        .param(username)
                        .query(Long.class)
                        .single()
                > 0;
    }

    public boolean anyPlatformAdmin() {
        return jdbc.sql("select count(*) from account where 'PLATFORM_ADMIN' = any(roles) and revoked_at is null")
                        .query(Long.class)
                        .single()
                > 0;
    }

    public void insert(StoredAccount account) {
        jdbc.sql("""
                        insert into account (username, kind, participant_uscc, roles, secret_hash, display_name, created_at, created_by)
                        values (?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(
                        account.username(),
                        account.kind(),
                        account.participantUscc(),
                        account.roles().stream().map(Role::name).sorted().toArray(String[]::new),
                        account.secretHash(),
                        account.displayName(),
                        Timestamp.from(account.createdAt()),
                        account.createdBy())
                .update();
    }

    public int revoke(String username, Instant at, String by) {
        return jdbc.sql("update account set revoked_at = ?, revoked_by = ? where username = ? and revoked_at is null")
                .params(Timestamp.from(at), by, username)
                .update();
    }

    /**
     * Counts one more failure of a person's login that is not locked; the one that reaches
     * {@code maxFailures} locks it until {@code lockUntil} and starts the count again. Empty when
     * there is no such person or the login is locked already (failures then do not extend the lock).
     * One statement, so instances counting at once never lose a failure.
     */
    public Optional<Failures> countFailure(String username, int maxFailures, Instant now, Instant lockUntil) {
        return jdbc.sql("""
                        update account set
                            failed_logins = case when failed_logins + 1 >= cast(:max as integer) then 0 else failed_logins + 1 end,
                            locked_until = case when failed_logins + 1 >= cast(:max as integer) then cast(:until as timestamptz) else null end
                        where username = :username and kind = 'PERSON'
                          and (locked_until is null or locked_until <= cast(:now as timestamptz))
                        returning case when locked_until is null then failed_logins else cast(:max as integer) end as in_a_row,
                                  locked_until""")
                .param("max", maxFailures)
                .param("until", Timestamp.from(lockUntil))
                .param("now", Timestamp.from(now))
                .param("username", username)
                .query((rs, row) -> {
                    Timestamp until = rs.getTimestamp("locked_until");
                    return new Failures(rs.getInt("in_a_row"), until == null ? null : until.toInstant());
                })
                .optional();
    }

    /** After a successful login: the count starts again. */
    public void clearFailures(String username) {
        jdbc.sql("update account set failed_logins = 0, locked_until = null where username = ? and failed_logins > 0")
                .param(username)
                .update();
    }

    /** Lifts a person's lock and clears the count; false when there is no such person. */
    public boolean unlock(String username) {
        return jdbc.sql(
                                "update account set failed_logins = 0, locked_until = null where username = ? and kind = 'PERSON'")
                        .param(username)
                        .update()
                > 0;
    }

    private static StoredAccount map(ResultSet rs, int row) throws SQLException {
        Array roles = rs.getArray("roles");
        Timestamp revoked = rs.getTimestamp("revoked_at");
        Timestamp locked = rs.getTimestamp("locked_until");
        return new StoredAccount(
                rs.getString("username"),
                rs.getString("kind"),
                rs.getString("participant_uscc"),
                Arrays.stream((String[]) roles.getArray()).map(Role::valueOf).collect(Collectors.toSet()),
                rs.getString("secret_hash"),
                rs.getString("display_name"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getString("created_by"),
                revoked == null ? null : revoked.toInstant(),
                rs.getInt("failed_logins"),
                locked == null ? null : locked.toInstant());
    }
}
