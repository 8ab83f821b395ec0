package cn.tongban.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cn.tongban.support.Api;
import cn.tongban.support.HubTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * The demo's simulated suppliers over real HTTP: the population registry's system signs its
 * pushes (TONGBAN-SM2) and its participant requires signatures, the other suppliers send their
 * system credentials; both get their records in. #13
 */
@HubTest
@TestPropertySource(properties = {"tongban.demo.simulate=true", "tongban.demo.traffic-period-ms=1000"})
class DemoTrafficIT {

    private static final String POPULATION_REGISTRY = "11430000006761230E";
    private static final String EDUCATION_FEED = "JY-XL-0001";

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Test
    void s01_theSigningSupplierAndTheCredentialSuppliersBothPush() {
        await().atMost(Duration.ofSeconds(60))
                .until(() -> pushes("supplier_uscc", POPULATION_REGISTRY) > 0
                        && pushes("resource_code", EDUCATION_FEED) > 0);

        Api admin = Api.at(port).as("admin");
        String participant = "/api/catalog/participants/" + POPULATION_REGISTRY;
        assertThat(admin.get(participant + "/authentication")
                        .json()
                        .get("requireSignedRequests")
                        .asBoolean())
                .isTrue();
        assertThat(admin.get(participant + "/system-keys").json().at("/0/label").asString())
                .isEqualTo("演示系统");
    }

    /** Accepted pushes whose column (a constant of this test) has the value. */
    private long pushes(String column, String value) {
        return jdbc.sql("select count(*) from exchange_batch where channel = 'HTTP_PUSH' and accepted > 0 and " + column
                        + " = ?")
                .param(value)
                .query(Long.class)
                .single();
    }
}
