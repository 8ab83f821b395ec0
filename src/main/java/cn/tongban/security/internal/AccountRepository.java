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
            Instant revokedAt) {}

    public Optional<StoredAccount> find(String username) {
        return jdbc.sql("select * from account where username = ?")
                .param(username)
                .query(AccountRepository::map)
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

    private static StoredAccount map(ResultSet rs, int row) throws SQLException {
        Array roles = rs.getArray("roles");
        Timestamp revoked = rs.getTimestamp("revoked_at");
        return new StoredAccount(
                rs.getString("username"),
                rs.getString("kind"),
                rs.getString("participant_uscc"),
                Arrays.stream((String[]) roles.getArray()).map(Role::valueOf).collect(Collectors.toSet()),
                rs.getString("secret_hash"),
                rs.getString("display_name"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getString("created_by"),
                revoked == null ? null : revoked.toInstant());
    }
}
