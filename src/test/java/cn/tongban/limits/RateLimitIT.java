package cn.tongban.limits;

import static org.assertj.core.api.Assertions.assertThat;

import cn.tongban.support.Api;
import cn.tongban.support.HubTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * 限流 (#13): each participant has its own allowance of requests, counted after authentication;
 * over it, 429 problem+json with Retry-After. A tiny allowance here: 3 requests per 30 s.
 */
@HubTest
@TestPropertySource(properties = {"tongban.limits.rate.limit-for-period=3", "tongban.limits.rate.refresh-period=30s"})
class RateLimitIT {

    static final String PATH = "/api/catalog/participants";

    @LocalServerPort
    int port;

    @Test
    void s01_aParticipantOverItsAllowanceIs429WithRetryAfter_othersAreNotHeldBack() { // #13
        Api gaAdmin = Api.at(port).as("ga-admin");
        for (int i = 0; i < 3; i++) {
            assertThat(gaAdmin.get(PATH).status()).isEqualTo(200);
        }
        Api.Reply refused = gaAdmin.get(PATH);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(429);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().path("type").asString()).isEqualTo("urn:tongban:problem:too-many-requests");
        assertThat(refused.header("Retry-After")).isEqualTo("30");

        // The allowance is the participant's: its other accounts share it.
        assertThat(Api.at(port).as("ga-approver").get(PATH).status()).isEqualTo(429);
        // Authentication comes first: a wrong password is 401, never 429.
        assertThat(Api.at(port).as("ga-admin", "wrong").get(PATH).status()).isEqualTo(401);
        // Another participant, platform staff (by account) and anonymous callers are not held back.
        assertThat(Api.at(port).as("rs-admin").get(PATH).status()).isEqualTo(200);
        assertThat(Api.at(port).as("auditor").get(PATH).status()).isEqualTo(200);
        assertThat(Api.at(port).get("/api/exchange/hub-certificate").status()).isEqualTo(200);
    }
}
