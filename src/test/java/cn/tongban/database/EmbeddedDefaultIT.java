package cn.tongban.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.time.ZoneId;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

/**
 * The embedded default as the quick start runs it — whatever server the other tests use: a
 * durable PostgreSQL, the superuser only for migrations, and a hub connection that cannot switch
 * the ledger's protection off.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(
        locations = "classpath:it.properties",
        properties = {"spring.datasource.url=", "spring.datasource.username=postgres"})
class EmbeddedDefaultIT {

    @Autowired
    JdbcTemplate hub;

    @Autowired
    @Qualifier("ownerDataSource")
    DataSource ownerDataSource;

    @Test
    void theClusterWritesEveryCommitToDisk() {
        assertThat(hub.queryForObject("show fsync", String.class)).isEqualTo("on");
        assertThat(hub.queryForObject("show synchronous_commit", String.class)).isEqualTo("on");
        assertThat(hub.queryForObject("show full_page_writes", String.class)).isEqualTo("on");
    }

    @Test
    void theHubConnectsAsARoleThatOwnsNothing() {
        assertThat(hub.queryForObject("select current_user", String.class))
                .isEqualTo(EmbeddedDatabaseConfiguration.APPLICATION_ROLE);
        assertThat(hub.queryForObject("select rolsuper from pg_roles where rolname = current_user", Boolean.class))
                .isFalse();
        assertThat(hub.queryForObject(
                        "select count(*) from pg_tables where schemaname = 'public' and tableowner = current_user",
                        Long.class))
                .isZero();
        assertThat(hub.queryForObject(
                        "select tableowner from pg_tables where tablename = 'ledger_event'", String.class))
                .isEqualTo(EmbeddedDatabaseConfiguration.OWNER);
    }

    @Test
    void theHubsConnectionCannotSwitchTheLedgersTriggersOffNorDropAMonth() {
        assertThatThrownBy(() -> hub.execute("alter table ledger_event disable trigger ledger_event_append_only"))
                .hasStackTraceContaining("must be owner");
        assertThatThrownBy(() -> hub.execute("set session_replication_role = replica"))
                .hasStackTraceContaining("permission denied");
        assertThatThrownBy(() -> hub.execute("truncate ledger_event_default"))
                .hasStackTraceContaining("permission denied");
        assertThatThrownBy(() -> hub.execute("drop table ledger_leaf_default"))
                .hasStackTraceContaining("must be owner");
        String month =
                LocalDate.now(ZoneId.of("Asia/Shanghai")).withDayOfMonth(1).toString();
        assertThatThrownBy(() -> hub.execute("select ledger_drop_archived_partition('" + month + "')"))
                .hasStackTraceContaining("has not been archived");
    }

    @Test
    void theHubStillCreatesItsMonthlyPartitionsOwnedByTheTablesOwner() {
        LocalDate next = LocalDate.now().withDayOfMonth(1).plusMonths(3);
        hub.queryForObject("select ledger_ensure_partition(?)", Boolean.class, next);
        String name = "ledger_event_y%dm%02d".formatted(next.getYear(), next.getMonthValue());
        assertThat(hub.queryForObject("select tableowner from pg_tables where tablename = ?", String.class, name))
                .isEqualTo(EmbeddedDatabaseConfiguration.OWNER);
        assertThatThrownBy(() -> hub.execute("truncate " + name)).hasStackTraceContaining("permission denied");
        assertThat(new JdbcTemplate(ownerDataSource).queryForObject("select current_user", String.class))
                .isEqualTo(EmbeddedDatabaseConfiguration.OWNER);
    }
}
