package cn.tongban.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cn.tongban.identifier.SyntheticIdentifiers;
import cn.tongban.security.SignedRequests;
import cn.tongban.signing.HubKeys;
import cn.tongban.signing.Sm2Signer;
import cn.tongban.support.Api;
import cn.tongban.support.HubTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * The demo's simulated department systems answer the hub only, as real ones would: a query or a
 * webhook call without the hub's signature, with another key's, replayed or with its body changed
 * is refused; a participant that does not exist is not counted; the hub's own calls get through.
 */
@HubTest
@TestPropertySource(properties = {"tongban.demo.simulate=true", "tongban.demo.traffic-period-ms=300"})
class SimulatedSystemsIT {

    private static final String NOTARY_OFFICE = "11430100445509870F";

    @LocalServerPort
    int port;

    @Autowired
    HubKeys hubKeys;

    final HttpClient http = HttpClient.newHttpClient();
    String query;
    byte[] body;

    @BeforeEach
    void supplier() {
        String provider = Api.at(port)
                .as("admin")
                .get("/api/catalog/resources/JY-XL-0001")
                .json()
                .get("providerUscc")
                .asString();
        query = "/demo/suppliers/" + provider + "/query";
        String person = SyntheticIdentifiers.idNumber(new Random(3), "430102", LocalDate.of(1990, 1, 1));
        body = ("{\"resourceCode\":\"JY-XL-0001\",\"key\":\"" + person + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aSupplierSystemAnswersOnlyTheHubsSignedCallsAndEachOnce() throws Exception {
        assertThat(post(query, body, Map.of()).statusCode()).as("no signature").isEqualTo(401);

        KeyPair stranger = Sm2Signer.generate();
        var strangers = SignedRequests.sign(
                "POST",
                query,
                body,
                stranger.getPrivate(),
                SignedRequests.keyId(stranger.getPublic()),
                Clock.systemUTC());
        assertThat(post(query, body, strangers).statusCode()).as("another key").isEqualTo(401);

        var hubs = SignedRequests.sign(
                "POST",
                query,
                body,
                hubKeys.signingKey(),
                SignedRequests.keyId(hubKeys.publicKey()),
                Clock.systemUTC());
        byte[] changed = new String(body, StandardCharsets.UTF_8)
                .replace("JY-XL-0001", "JY-XL-0002")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(post(query, changed, hubs).statusCode()).as("body changed").isEqualTo(401);
        HttpResponse<String> answered = post(query, body, hubs);
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
        assertThat(answered.body()).contains("\"record\"");
        assertThat(post(query, body, hubs).statusCode()).as("replayed").isEqualTo(401);

        var late = SignedRequests.sign(
                "POST",
                query,
                body,
                hubKeys.signingKey(),
                SignedRequests.keyId(hubKeys.publicKey()),
                Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-10)));
        assertThat(post(query, body, late).statusCode())
                .as("outside the window")
                .isEqualTo(401);
    }

    @Test
    void aDemanderWebhookRefusesStrangersAndCountsNoUnknownParticipant() throws Exception {
        byte[] deliveries = "{\"deliveries\":[]}".getBytes(StandardCharsets.UTF_8);
        String webhook = "/demo/demanders/" + NOTARY_OFFICE + "/webhook";
        assertThat(post(webhook, deliveries, Map.of()).statusCode()).isEqualTo(401);
        String unknown = "/demo/demanders/91430000MA4XXXXX0Q/webhook";
        assertThat(post(unknown, deliveries, Map.of()).statusCode()).isEqualTo(404);
        var signed = SignedRequests.sign(
                "POST",
                webhook,
                deliveries,
                hubKeys.signingKey(),
                SignedRequests.keyId(hubKeys.publicKey()),
                Clock.systemUTC());
        assertThat(post(webhook, deliveries, signed).statusCode()).isEqualTo(200);

        // The hub's own deliveries to the notary office's system get through and verify.
        await().atMost(Duration.ofSeconds(40))
                .until(() -> status().at("/verifiedEnvelopes/" + NOTARY_OFFICE).asLong(0) > 0);
        assertThat(status().path("verifiedEnvelopes").has("91430000MA4XXXXX0Q")).isFalse();
        assertThat(status().path("rejectedEnvelopes").path(NOTARY_OFFICE).asLong(0))
                .isZero();
    }

    @Test
    void theHubsSignedQueryIsAnsweredByTheSupplierSystem() {
        Api notary = Api.at(port).as("gz-admin");
        String agreement = notary.get("/api/catalog/agreements?resource=JY-XL-0001&demander=" + NOTARY_OFFICE)
                .json()
                .get(0)
                .get("id")
                .asString();
        String person = SyntheticIdentifiers.idNumber(new Random(5), "430102", LocalDate.of(1991, 2, 3));
        // The demo traffic registers the supplier system's query endpoint on its first round (and
        // removes one an earlier hub on another port left in the database).
        Api.Reply answer = await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> notary.post(
                                "/api/exchange/query/JY-XL-0001", Map.of("key", person, "agreementId", agreement)),
                        reply -> reply.status() == 200);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.json().has("record")).isTrue();
    }

    private tools.jackson.databind.JsonNode status() {
        return Api.at(port).as("admin").get("/demo/status").json();
    }

    private HttpResponse<String> post(String path, byte[] content, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(content));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
