package cn.tongban.support;

import static org.assertj.core.api.Assertions.assertThat;

import cn.tongban.identifier.SyntheticIdentifiers;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.awaitility.Awaitility;
import tools.jackson.databind.JsonNode;

/**
 * Records through a real hub for tests that watch its routes: a fresh provider and a notary with
 * a webhook endpoint (its own delivery route), records pushed through the intake API with the
 * provider's system credential. Synthetic people only.
 */
public final class RecordTraffic {

    private final Api supplier;
    private final String resourceCode;
    private final String routeId;
    private final Random random = new Random(20261201);

    private RecordTraffic(Api supplier, String resourceCode, String routeId) {
        this.supplier = supplier;
        this.resourceCode = resourceCode;
        this.routeId = routeId;
    }

    /** A provider, a notary whose webhook is {@code webhookUrl}, and the notary's delivery route, running. */
    public static RecordTraffic toWebhook(int port, String webhookUrl, String label) {
        CatalogFixture fixture = new CatalogFixture(port);
        CatalogFixture.Party provider = fixture.participant("教育厅(" + label + ")", "DEPARTMENT");
        CatalogFixture.Party notary = fixture.participant("公证处(" + label + ")", "NOTARY_OFFICE");
        String code = CatalogFixture.resourceCode();
        assertThat(provider.admin()
                        .post("/api/catalog/resources", CatalogFixture.resource(code, provider.uscc()))
                        .status())
                .isEqualTo(201);
        Api.Reply demand = notary.admin()
                .post(
                        "/api/catalog/demands",
                        CatalogFixture.demand(notary.uscc(), code, List.of("certificateNo", "name")));
        assertThat(demand.status()).as(demand.toString()).isEqualTo(201);
        Api.Reply endpoint = notary.admin()
                .post(
                        "/api/catalog/participants/" + notary.uscc() + "/endpoints",
                        Map.of("direction", "DEMAND", "kind", "WEBHOOK", "address", webhookUrl));
        assertThat(endpoint.status()).as(endpoint.toString()).isEqualTo(201);
        String route = "deliver-" + endpoint.json().get("id").asString();
        JsonNode credential = provider.admin()
                .post("/api/catalog/participants/" + provider.uscc() + "/credentials", Map.of())
                .json();
        Api system = Api.at(port)
                .as(credential.get("keyId").asString(), credential.get("secret").asString());
        Api ops = Api.at(port).as("ops");
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> ops.get("/api/ops/routes/" + route).status() == 200);
        return new RecordTraffic(system, code, route);
    }

    public String resourceCode() {
        return resourceCode;
    }

    public String routeId() {
        return routeId;
    }

    /** Pushes {@code count} valid records (source ids {@code prefix-1} …) in one batch; all accepted. */
    public void push(String prefix, int count) {
        List<Map<String, Object>> records = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            Map<String, Object> record = Map.of(
                    "certificateNo", "1054212020050" + String.format("%02d", i % 100),
                    "name", "测试",
                    "idNumber", SyntheticIdentifiers.idNumber(random, "430102", LocalDate.of(1990, 1, 1 + i % 28)),
                    "school", "湖南大学",
                    "mobile", "13812345678",
                    "religion", "无");
            records.add(Map.of("sourceRecordId", prefix + "-" + i, "record", record));
        }
        Api.Reply pushed = supplier.post("/api/exchange/intake/" + resourceCode, Map.of("records", records));
        assertThat(pushed.status()).as(pushed.toString()).isEqualTo(202);
        assertThat(pushed.json().get("accepted").asInt()).isEqualTo(count);
    }
}
