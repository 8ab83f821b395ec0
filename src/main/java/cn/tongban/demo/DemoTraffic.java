package cn.tongban.demo;

import cn.tongban.catalog.EndpointKind;
import cn.tongban.catalog.ParticipantRegistry;
import cn.tongban.catalog.Resource;
import cn.tongban.catalog.SupplyList;
import cn.tongban.security.Accounts;
import cn.tongban.security.Actor;
import cn.tongban.security.SignedRequests;
import cn.tongban.security.SystemKeys;
import cn.tongban.signing.Sm2Signer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * 模拟供方系统: in the demo, each supplier department's system pushes a small batch of invented
 * records to the hub over real HTTP with its own system credential, now and then one with a bad
 * check digit (to show quarantine). What runs comes from the province file's {@code traffic}: its
 * {@code feeds}; the demanders whose webhook is the hub's demo receiver (a notary office); the
 * resources the demo supplier systems answer queries on; and the feeds whose suppliers sign their
 * requests with a registered SM2 key instead (TONGBAN-SM2, docs/signed-requests.md), which their
 * participant then requires.
 */
@Component("demoTraffic")
class DemoTraffic {

    private static final Logger log = LoggerFactory.getLogger(DemoTraffic.class);
    private static final String TRAFFIC = "traffic";

    private final DemoData data;
    private final SupplyList supplyList;
    private final ParticipantRegistry participants;
    private final Accounts accounts;
    private final SystemKeys systemKeys;
    private final JsonMapper json;
    private final Clock clock;
    private final Environment environment;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final SplittableRandom random = new SplittableRandom(20201116);
    private final Map<String, String> credentials = new HashMap<>();
    private final Map<String, SigningSystem> signingSystems = new HashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private volatile String base;

    DemoTraffic(
            DemoData data,
            SupplyList supplyList,
            ParticipantRegistry participants,
            Accounts accounts,
            SystemKeys systemKeys,
            JsonMapper json,
            Clock clock,
            Environment environment) {
        this.data = data;
        this.supplyList = supplyList;
        this.participants = participants;
        this.accounts = accounts;
        this.systemKeys = systemKeys;
        this.json = json;
        this.clock = clock;
        this.environment = environment;
    }

    @EventListener
    void started(WebServerInitializedEvent event) {
        base = "http://127.0.0.1:" + event.getWebServer().getPort();
    }

    /** One round: a batch per demo feed (the demo-traffic route calls it on a timer). */
    public int pushRound() {
        if (!enabled() || base == null || !participants.exists(data.firstParticipant())) {
            return 0;
        }
        data.strings(TRAFFIC, "webhookDemanders").forEach(this::ensureWebhook);
        data.strings(TRAFFIC, "queryResources").forEach(this::ensureQueryEndpoint);
        Set<String> signingSuppliers = data.strings(TRAFFIC, "signingFeeds").stream()
                .map(code -> supplyList.get(code).providerUscc())
                .collect(Collectors.toSet());
        SyntheticRecords.Places places = data.places();
        int pushed = 0;
        for (String code : data.strings(TRAFFIC, "feeds")) {
            Resource resource = supplyList.get(code);
            Schema schema = new Schema.Parser().parse(resource.avroSchema());
            List<Map<String, Object>> records = new ArrayList<>();
            LocalDate today = LocalDate.now(clock);
            for (int i = 0; i < 1 + random.nextInt(5); i++) {
                Map<String, Object> record = SyntheticRecords.record(schema, random, today, places);
                if (random.nextInt(25) == 0 && record.containsKey("idNumber")) {
                    String id = (String) record.get("idNumber");
                    record.put("idNumber", id.substring(0, 17) + (id.charAt(17) == '0' ? '1' : '0'));
                }
                records.add(Map.of("sourceRecordId", code + "-" + sequence.incrementAndGet(), "record", record));
            }
            pushed += post(
                    resource.providerUscc(),
                    signingSuppliers.contains(resource.providerUscc()),
                    "/api/exchange/intake/" + code,
                    Map.of("records", records));
        }
        return pushed;
    }

    /** A demo system's key pair, made at start and registered with the hub. */
    private record SigningSystem(PrivateKey key, String keyId) {}

    private int post(String supplier, boolean signs, String path, Object body) {
        byte[] bytes = json.writeValueAsBytes(body);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        if (signs) {
            SigningSystem system = signingSystems.computeIfAbsent(supplier, this::registerSigningSystem);
            SignedRequests.sign("POST", path, bytes, system.key(), system.keyId(), clock)
                    .forEach(request::header);
        } else {
            request.header("Authorization", "Basic " + basicCredential(supplier));
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 202) {
                log.warn("demo supplier push to {} answered {}", path, response.statusCode());
                return 0;
            }
            // In-process the answer counts the records taken in; through the intake topic, those queued.
            tools.jackson.databind.JsonNode answer = json.readTree(response.body());
            return answer.has("queued")
                    ? answer.get("queued").asInt()
                    : answer.get("accepted").asInt();
        } catch (java.io.IOException e) {
            log.warn("demo supplier push failed: {}", e.getClass().getSimpleName());
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private String basicCredential(String supplier) {
        String credential = credentials.computeIfAbsent(supplier, uscc -> {
            Accounts.IssuedCredential issued = accounts.issueSystemCredential(uscc, Actor.platform("demo-traffic"));
            return issued.keyId() + ":" + issued.secret();
        });
        return Base64.getEncoder().encodeToString(credential.getBytes(StandardCharsets.UTF_8));
    }

    private SigningSystem registerSigningSystem(String supplier) {
        KeyPair pair = Sm2Signer.generate();
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'})
                        .encodeToString(pair.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        Actor demo = Actor.platform("demo-traffic");
        SystemKeys.KeyView key = systemKeys.register(supplier, new SystemKeys.KeyRequest(pem, "演示系统"), demo);
        systemKeys.setAuthentication(supplier, new SystemKeys.AuthenticationSettings(true), demo);
        return new SigningSystem(pair.getPrivate(), key.keyId());
    }

    private void ensureWebhook(String demander) {
        ensureEndpoint(
                demander,
                EndpointKind.Direction.DEMAND,
                EndpointKind.WEBHOOK,
                base + "/demo/demanders/" + demander + "/webhook",
                null);
    }

    /** The provider's query endpoint for a resource: the demo supplier system (DemoSuppliers). */
    private void ensureQueryEndpoint(String code) {
        String provider = supplyList.get(code).providerUscc();
        ensureEndpoint(
                provider,
                EndpointKind.Direction.SUPPLY,
                EndpointKind.HTTP_QUERY,
                base + "/demo/suppliers/" + provider + "/query",
                code);
    }

    /** Registers a demo system's endpoint once (the address carries this run's port). */
    private void ensureEndpoint(
            String uscc, EndpointKind.Direction direction, EndpointKind kind, String url, String resourceCode) {
        boolean present = false;
        for (var endpoint : participants.endpoints(uscc)) {
            if (url.equals(endpoint.address())) {
                present = true;
            } else if (endpoint.kind() == kind && isDemoSystem(endpoint.address())) {
                // The demo system of an earlier run on another port: nobody answers there any more.
                participants.removeEndpoint(uscc, endpoint.id(), Actor.platform("demo-traffic"));
            }
        }
        if (!present) {
            participants.addEndpoint(
                    uscc,
                    new ParticipantRegistry.EndpointRequest(direction, kind, url, resourceCode, null),
                    Actor.platform("demo-traffic"));
        }
    }

    private static boolean isDemoSystem(String address) {
        return address != null
                && address.startsWith("http://127.0.0.1:")
                && (address.contains("/demo/suppliers/") || address.contains("/demo/demanders/"));
    }

    private boolean enabled() {
        String simulate = environment.getProperty("tongban.demo.simulate", "");
        if (!simulate.isBlank()) {
            return Boolean.parseBoolean(simulate);
        }
        String demo = environment.getProperty("tongban.demo.enabled", "");
        return demo.isBlank()
                ? environment.getProperty("spring.datasource.url", "").isBlank()
                : Boolean.parseBoolean(demo);
    }
}
