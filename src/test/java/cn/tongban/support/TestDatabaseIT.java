package cn.tongban.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Guards the test set-up itself: with TONGBAN_TEST_DB_URL set, the tests really use that server. */
@HubTest
class TestDatabaseIT {

    @Autowired
    JdbcClient jdbc;

    @Test
    void theTestsUseTheConfiguredServer() {
        String configured = System.getenv("TONGBAN_TEST_DB_URL");
        String database =
                jdbc.sql("select current_database()").query(String.class).single();
        if (configured != null && !configured.isBlank()) {
            assertThat(configured).endsWith("/" + database);
        } else {
            assertThat(database).isEqualTo("postgres");
        }
        assertThat(jdbc.sql("select count(*) from flyway_schema_history where success")
                        .query(Long.class)
                        .single())
                .isGreaterThanOrEqualTo(3);
    }
}
