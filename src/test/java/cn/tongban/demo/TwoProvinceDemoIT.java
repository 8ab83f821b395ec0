package cn.tongban.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cn.tongban.support.Api;
import cn.tongban.support.HubsInJvm;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The two demo provinces in one JVM, as two hubs started from the same application with only
 * {@code tongban.demo.province} (and the test's ports and directories) set: each registers the
 * other as its peer, imports the other's directory, and files its cross-province demand, which
 * the provider's side decides at once (unconditional fields) under one agreement id on both sides.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoProvinceDemoIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String HUNAN_NOTARY = "11430100445509870F";
    private static final String GUANGDONG_POLICE = "11440000006951234C";
    private static final String GUANGDONG_DIPLOMAS = "GD-JY-XL-0001";
    private static final String HUNAN_PERMITS = "GA-HJ-0002";

    private final String tag = UUID.randomUUID().toString().substring(0, 8);
    private Province hunan;
    private Province guangdong;

    /** One demo hub. */
    private final class Province {
        final String name;
        final int port;
        final int peerPort;
        final Path root;
        final String database;
        ConfigurableApplicationContext context;

        Province(String name, int port, int peerPort) {
            this.name = name;
            this.port = port;
            this.peerPort = peerPort;
            this.root = Path.of("target", "two-provinces", tag, name);
            this.database = HubsInJvm.onServer() ? "tongban_demo_" + name + "_" + tag : null;
        }

        void start() {
            Map<String, Object> props = new LinkedHashMap<>(HubsInJvm.itProperties());
            props.put("tongban.demo.province", name);
            props.put("tongban.demo.peering", "true");
            props.put("tongban.demo.peering-period-ms", "500");
            props.put("tongban.demo.peer-url", "http://127.0.0.1:" + peerPort);
            props.put("server.port", String.valueOf(port));
            props.put("tongban.federation.send-period-ms", "100");
            props.put("tongban.federation.retry-base", "100ms");
            props.put("tongban.federation.retry-max", "500ms");
            props.put("tongban.signing.key-dir", root.resolve("keys").toString());
            props.put("tongban.database.embedded.data-dir", root.resolve("pg").toString());
            if (database != null) {
                props.put("spring.datasource.url", HubsInJvm.createDatabase(database));
            }
            context = HubsInJvm.run(props);
        }

        Api api(String user) {
            return Api.at(port).as(user);
        }

        String setting(String key) {
            return context.getEnvironment().getProperty(key);
        }

        JsonNode agreements(String demander, String resource) {
            return api("auditor")
                    .get("/api/catalog/agreements?demander=" + demander + "&resource=" + resource)
                    .json();
        }

        void stop() {
            if (context != null) {
                context.close();
            }
            if (database != null) {
                HubsInJvm.dropDatabase(database);
            }
        }
    }

    @BeforeAll
    void start() throws IOException {
        int hunanPort = freePort();
        int guangdongPort = freePort();
        hunan = new Province("hunan", hunanPort, guangdongPort);
        guangdong = new Province("guangdong", guangdongPort, hunanPort);
        hunan.start();
        guangdong.start();
    }

    @AfterAll
    void stop() {
        for (Province province : new Province[] {hunan, guangdong}) {
            if (province != null) {
                province.stop();
            }
        }
    }

    @Test
    @Order(1)
    void s01_eachProvinceTakesItsDefaults_butAnExplicitSettingWins() {
        assertThat(hunan.setting("tongban.federation.province")).isEqualTo("430000");
        assertThat(guangdong.setting("tongban.federation.province")).isEqualTo("440000");
        assertThat(guangdong.setting("tongban.federation.name")).isEqualTo("广东省政务数据共享交换平台");
        assertThat(guangdong.setting("tongban.signing.key-dir"))
                .as("the test's key directory, not Guangdong's default data/guangdong/keys")
                .isEqualTo(guangdong.root.resolve("keys").toString());
        assertThat(guangdong
                        .api("gd-jy-admin")
                        .get("/api/catalog/resources/" + GUANGDONG_DIPLOMAS)
                        .status())
                .isEqualTo(200);
        assertThat(guangdong.api("ops").get("/api/federation/peers").status())
                .as("the platform logins exist on both hubs")
                .isEqualTo(200);
    }

    @Test
    @Order(2)
    void s02_thePeersRegisterEachOther_andEachDirectoryIsImported() {
        JsonNode atHunan = await().atMost(PATIENCE)
                .until(() -> hunan.api("ops").get("/api/federation/peers").json(), peers -> connected(peers, "440000"));
        assertThat(atHunan.get(0).get("inboundResources").toString()).contains(GUANGDONG_DIPLOMAS);
        await().atMost(PATIENCE)
                .until(
                        () -> guangdong.api("ops").get("/api/federation/peers").json(),
                        peers -> connected(peers, "430000"));

        JsonNode diplomas = await().atMost(PATIENCE)
                .until(
                        () -> hunan.api("admin").get("/api/catalog/resources/" + GUANGDONG_DIPLOMAS),
                        reply -> reply.status() == 200)
                .json();
        assertThat(diplomas.get("providerUscc").asString()).isEqualTo("11440000006940567T");
        assertThat(await().atMost(PATIENCE)
                        .until(
                                () -> guangdong
                                        .api("admin")
                                        .get("/api/catalog/resources/" + HUNAN_PERMITS)
                                        .status(),
                                status -> status == 200))
                .isEqualTo(200);
    }

    @Test
    @Order(3)
    void s03_theCrossProvinceDemandsHaveTheSameAgreementOnBothSides() {
        assertSameAgreement(HUNAN_NOTARY, GUANGDONG_DIPLOMAS);
        assertSameAgreement(GUANGDONG_POLICE, HUNAN_PERMITS);
    }

    @Test
    @Order(4)
    void s04_aHunanPermitCrossesToTheGuangdongPolice_andTheHunanNotaryQueriesAGuangdongDiploma() throws Exception {
        org.apache.avro.Schema schema =
                new org.apache.avro.Schema.Parser().parse(new java.io.File("schemas/household/migration-permit.avsc"));
        SyntheticRecords.Places places = tools.jackson.databind.json.JsonMapper.builder()
                .build()
                .treeToValue(
                        tools.jackson.databind.json.JsonMapper.builder()
                                .build()
                                .readTree(new java.io.File("config/demo/province.json"))
                                .get("places"),
                        SyntheticRecords.Places.class);
        Map<String, Object> permit =
                SyntheticRecords.record(schema, new java.util.SplittableRandom(42), java.time.LocalDate.now(), places);
        String sourceId = "cross-" + tag;
        Api.Reply pushed = hunan.api("ga-admin")
                .post(
                        "/api/exchange/intake/" + HUNAN_PERMITS,
                        Map.of("records", java.util.List.of(Map.of("sourceRecordId", sourceId, "record", permit))));
        assertThat(pushed.status()).as(pushed.toString()).isEqualTo(202);
        await().atMost(PATIENCE)
                .until(
                        () -> guangdong
                                .api("gd-ga-admin")
                                .get("/api/exchange/mailbox?limit=500")
                                .body(),
                        body -> body.contains(sourceId));

        // The simulated systems are off in tests: the Guangdong education department's query endpoint by hand.
        String diplomas = "11440000006940567T";
        Api.Reply endpoint = guangdong
                .api("gd-jy-admin")
                .post(
                        "/api/catalog/participants/" + diplomas + "/endpoints",
                        Map.of(
                                "direction",
                                "SUPPLY",
                                "kind",
                                "HTTP_QUERY",
                                "resourceCode",
                                GUANGDONG_DIPLOMAS,
                                "address",
                                "http://127.0.0.1:" + guangdong.port + "/demo/suppliers/" + diplomas + "/query"));
        assertThat(endpoint.status()).as(endpoint.toString()).isEqualTo(201);
        String agreement = hunan.agreements(HUNAN_NOTARY, GUANGDONG_DIPLOMAS)
                .get(0)
                .get("id")
                .asString();
        Api.Reply answer = hunan.api("gz-admin")
                .post(
                        "/api/exchange/query/" + GUANGDONG_DIPLOMAS,
                        Map.of("key", "440106199203150022", "agreementId", agreement));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.json().at("/record/school").asString()).isNotBlank();
    }

    /** Granted at once (unconditional fields only), under one id at the provider's and the demander's hub. */
    private void assertSameAgreement(String demander, String resource) {
        JsonNode atDemander = await().atMost(PATIENCE)
                .until(() -> demanderOf(resource).agreements(demander, resource), list -> list.size() == 1);
        JsonNode atProvider = providerOf(resource).agreements(demander, resource);
        assertThat(atProvider).as("at the provider's hub").hasSize(1);
        assertThat(atDemander.get(0).get("id").asString())
                .isEqualTo(atProvider.get(0).get("id").asString());
        assertThat(atDemander.get(0).get("status").asString()).isEqualTo("ACTIVE");
        assertThat(atProvider.get(0).get("status").asString()).isEqualTo("ACTIVE");
    }

    private Province providerOf(String resource) {
        return resource.equals(GUANGDONG_DIPLOMAS) ? guangdong : hunan;
    }

    private Province demanderOf(String resource) {
        return resource.equals(GUANGDONG_DIPLOMAS) ? hunan : guangdong;
    }

    private static boolean connected(JsonNode peers, String province) {
        return peers.size() == 1
                && peers.get(0).get("province").asString().equals(province)
                && peers.get(0).get("status").asString().equals("CONNECTED");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
