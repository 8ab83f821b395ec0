package cn.tongban.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cn.tongban.support.Api;
import cn.tongban.support.CatalogFixture;
import cn.tongban.support.HubTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * People's logins (#13): a password policy, a lock after ten wrong passwords in a row that the
 * right password does not open, the same 401 whatever the reason, every failure and lock in the
 * ledger without the password, and an unlock by the platform administrator or by time.
 */
@HubTest
@TestPropertySource(properties = "tongban.security.lockout.duration=5s")
class LockoutIT {

    static final String RIGHT = "Right-Passw0rd-" + UUID.randomUUID().toString().substring(0, 6);
    static final String WRONG = "Wrong-Guess-7731";

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    Api anonymous;
    Api admin;
    String username;

    @BeforeEach
    void login() {
        anonymous = Api.at(port);
        admin = anonymous.as("admin");
        username = "lock-" + UUID.randomUUID().toString().substring(0, 8);
        Api.Reply created = admin.post(
                "/api/security/accounts",
                Map.of("username", username, "password", RIGHT, "displayName", "审计员", "roles", List.of("AUDITOR")));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(anonymous.as(username, RIGHT).get("/api/security/me").status())
                .isEqualTo(200);
    }

    @Test
    void s01_tenWrongPasswordsLockTheLoginAndOnlyTheAdministratorOrTimeOpensIt() {
        Api.Reply firstWrong = anonymous.as(username, WRONG).get("/api/security/me");
        for (int i = 2; i <= 10; i++) {
            assertThat(anonymous.as(username, WRONG).get("/api/security/me").status())
                    .isEqualTo(401);
        }
        Api.Reply locked = anonymous.as(username, RIGHT).get("/api/security/me");
        Api.Reply unknown = anonymous.as("nobody-" + UUID.randomUUID(), WRONG).get("/api/security/me");
        // One answer for a wrong password, a locked login and an account that does not exist.
        for (Api.Reply reply : List.of(firstWrong, locked, unknown)) {
            assertThat(reply.status()).isEqualTo(401);
            assertThat(reply.contentType()).startsWith("application/problem+json");
            assertThat(reply.body()).isEqualTo(firstWrong.body());
            assertThat(reply.header("Retry-After")).isNull();
        }

        assertThat(ledger("LOGIN_FAILED", "BAD_CREDENTIALS")).hasSize(10);
        assertThat(ledger("LOGIN_FAILED", "BAD_CREDENTIALS")
                        .get(9)
                        .get("inARow")
                        .asInt())
                .isEqualTo(10);
        assertThat(ledger("ACCOUNT_LOCKED", "LOCKED")).hasSize(1);
        assertThat(ledger("LOGIN_FAILED", "LOCKED")).hasSize(1);
        assertThat(jdbc.sql("select count(*) from ledger_event where concat_ws('|', actor, details) like ?"
                                + " or concat_ws('|', actor, details) like ?")
                        .params("%" + WRONG + "%", "%" + RIGHT + "%")
                        .query(Long.class)
                        .single())
                .as("no password in the ledger")
                .isZero();

        assertThat(anonymous
                        .as(username, RIGHT)
                        .post("/api/security/accounts/" + username + "/unlock", Map.of())
                        .status())
                .isEqualTo(401);
        assertThat(anonymous
                        .as("auditor")
                        .post("/api/security/accounts/" + username + "/unlock", Map.of())
                        .status())
                .isEqualTo(403);
        Api.Reply unlocked = admin.post("/api/security/accounts/" + username + "/unlock", Map.of());
        assertThat(unlocked.status()).as(unlocked.toString()).isEqualTo(204);
        assertThat(anonymous.as(username, RIGHT).get("/api/security/me").status())
                .isEqualTo(200);
        assertThat(ledger("ACCOUNT_UNLOCKED", "UNLOCKED")).hasSize(1);
        assertThat(jdbc.sql("select actor from ledger_event where type = 'ACCOUNT_UNLOCKED' and details like ?")
                        .param("%\"" + username + "\"%")
                        .query(String.class)
                        .single())
                .isEqualTo("admin");
        assertThat(admin.post("/api/security/accounts/nobody-" + UUID.randomUUID() + "/unlock", Map.of())
                        .status())
                .isEqualTo(404);
    }

    @Test
    void s02_theLockEndsByItselfAndASuccessStartsTheCountAgain() {
        for (int i = 1; i <= 9; i++) {
            anonymous.as(username, WRONG).get("/api/security/me");
        }
        assertThat(anonymous.as(username, RIGHT).get("/api/security/me").status())
                .isEqualTo(200);
        // The count started again: nine more failures do not lock.
        for (int i = 1; i <= 9; i++) {
            anonymous.as(username, WRONG).get("/api/security/me");
        }
        assertThat(anonymous.as(username, RIGHT).get("/api/security/me").status())
                .isEqualTo(200);
        for (int i = 1; i <= 10; i++) {
            anonymous.as(username, WRONG).get("/api/security/me");
        }
        assertThat(anonymous.as(username, RIGHT).get("/api/security/me").status())
                .isEqualTo(401);
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(500))
                .until(() ->
                        anonymous.as(username, RIGHT).get("/api/security/me").status() == 200);
    }

    @Test
    void s03_passwordsMixCharacterClassesAndDoNotContainTheUsername() {
        Api.Reply weak = admin.post(
                "/api/security/accounts",
                Map.of(
                        "username",
                        "weak-" + UUID.randomUUID().toString().substring(0, 8),
                        "password",
                        "alllowercaseletters",
                        "displayName",
                        "x",
                        "roles",
                        List.of("AUDITOR")));
        assertThat(weak.status()).isEqualTo(400);
        assertThat(weak.contentType()).startsWith("application/problem+json");
        assertThat(weak.violations()).containsExactly("password:character-classes");
        String name = "named-" + UUID.randomUUID().toString().substring(0, 6);
        Api.Reply named = admin.post(
                "/api/security/accounts",
                Map.of(
                        "username",
                        name,
                        "password",
                        "X1-" + name + "-pw",
                        "displayName",
                        "x",
                        "roles",
                        List.of("AUDITOR")));
        assertThat(named.violations()).containsExactly("password:not-username");
        assertThat(weak.body()).doesNotContain("alllowercaseletters");
        assertThat(admin.post(
                                "/api/security/accounts",
                                Map.of(
                                        "username",
                                        name,
                                        "password",
                                        "Short-1",
                                        "displayName",
                                        "x",
                                        "roles",
                                        List.of("AUDITOR")))
                        .violations())
                .contains("password:size");
    }

    @Test
    void s04_systemCredentialsAreNotLockedButTheirFailuresAreRecorded() {
        CatalogFixture.Party party = new CatalogFixture(port).participant("教育厅(锁定)", "DEPARTMENT");
        JsonNode issued = party.admin()
                .post("/api/catalog/participants/" + party.uscc() + "/credentials", Map.of())
                .json();
        String keyId = issued.get("keyId").asString();
        for (int i = 1; i <= 12; i++) {
            assertThat(anonymous
                            .as(keyId, "not-the-secret")
                            .get("/api/security/me")
                            .status())
                    .isEqualTo(401);
        }
        assertThat(anonymous
                        .as(keyId, issued.get("secret").asString())
                        .get("/api/security/me")
                        .status())
                .isEqualTo(200);
        assertThat(jdbc.sql("select count(*) from ledger_event where type = 'LOGIN_FAILED' and details like ?")
                        .param("%\"" + keyId + "\"%")
                        .query(Long.class)
                        .single())
                .isEqualTo(12);
    }

    /** This test's login's ledger entries of one type and outcome, oldest first, as their details. */
    private List<JsonNode> ledger(String type, String outcome) {
        return jdbc
                .sql("select details from ledger_event where type = ? and outcome = ? and details like ? order by seq")
                .params(type, outcome, "%\"account\":\"" + username + "\"%")
                .query(String.class)
                .list()
                .stream()
                .map(Api::json)
                .toList();
    }
}
