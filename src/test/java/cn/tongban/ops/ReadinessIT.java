package cn.tongban.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cn.tongban.support.Api;
import cn.tongban.support.HubTest;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * The hub is unready while its database is down (#12), and says so without hanging its liveness:
 * a real embedded PostgreSQL of its own, stopped under the running hub.
 */
@HubTest
@DirtiesContext // its database is stopped for good
@TestPropertySource(
        properties = {
            "spring.datasource.url=", // always the embedded server, which the test can stop
            "tongban.database.embedded.connection-timeout=2s"
        })
class ReadinessIT {

    @LocalServerPort
    int port;

    @Autowired
    EmbeddedPostgres postgres;

    @Test
    void s01_readinessTurnsFalseWhenTheDatabaseIsDown() throws Exception {
        assertThat(Api.at(port).get("/actuator/health/readiness").status()).isEqualTo(200);

        postgres.close();

        Api.Reply unready = await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> Api.at(port).get("/actuator/health/readiness"), r -> r.status() == 503);
        assertThat(unready.contentType()).contains("json");
        assertThat(Api.at(port).get("/actuator/health/liveness").status())
                .as("a lost database makes the hub unready, not dead")
                .isEqualTo(200);
    }
}
