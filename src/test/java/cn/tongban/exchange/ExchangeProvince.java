package cn.tongban.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import cn.tongban.identifier.SyntheticIdentifiers;
import cn.tongban.signing.HubKeys;
import cn.tongban.support.Api;
import cn.tongban.support.CatalogFixture;
import cn.tongban.support.CatalogFixture.Party;
import cn.tongban.support.WebhookServer;
import java.security.PublicKey;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A small province for exchange tests, set up through the public APIs: an education department
 * supplying a degree resource, a notary (webhook; name, ID number masked 6+4, school) and a social
 * insurance department (mailbox; certificate number and masked mobile), and the hub's public key.
 */
final class ExchangeProvince implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();

    final int port;
    final Party provider;
    final Party notary;
    final Party insurer;
    final String code;
    final WebhookServer webhook;
    final Api supplierSystem;
    final PublicKey hubKey;
    final Random random = new Random(7);

    ExchangeProvince(int port) {
        this.port = port;
        CatalogFixture fixture = new CatalogFixture(port);
        provider = fixture.participant("教育厅(交换)", "DEPARTMENT");
        notary = fixture.participant("公证处(交换)", "NOTARY_OFFICE");
        insurer = fixture.participant("人社厅(交换)", "DEPARTMENT");
        code = CatalogFixture.resourceCode();
        assertThat(provider.admin()
                        .post("/api/catalog/resources", CatalogFixture.resource(code, provider.uscc()))
                        .status())
                .isEqualTo(201);
        agree(notary, List.of("certificateNo", "name", "idNumber", "school"), "ID_NUMBER");
        agree(insurer, List.of("certificateNo", "mobile"), null);
        webhook = new WebhookServer();
        endpoint(notary, "DEMAND", "WEBHOOK", webhook.url(), null);
        JsonNode credential = provider.admin()
                .post("/api/catalog/participants/" + provider.uscc() + "/credentials", Map.of())
                .json();
        supplierSystem = Api.at(port)
                .as(credential.get("keyId").asString(), credential.get("secret").asString());
        hubKey = HubKeys.readCertificate(
                        Api.at(port).get("/api/exchange/hub-certificate").body())
                .getPublicKey();
    }

    Api.Reply endpoint(Party party, String direction, String kind, String address, String resource) {
        Map<String, Object> body = new HashMap<>(Map.of("direction", direction, "kind", kind));
        if (address != null) {
            body.put("address", address);
        }
        if (resource != null) {
            body.put("resourceCode", resource);
        }
        Api.Reply added = party.admin().post("/api/catalog/participants/" + party.uscc() + "/endpoints", body);
        assertThat(added.status()).as(added.toString()).isEqualTo(201);
        return added;
    }

    void agree(Party demander, List<String> fields, String idMasking) {
        Api.Reply filed =
                demander.admin().post("/api/catalog/demands", CatalogFixture.demand(demander.uscc(), code, fields));
        assertThat(filed.status()).as(filed.toString()).isEqualTo(201);
        String id = filed.json().at("/agreement/id").asString();
        List<Map<String, Object>> decisions = new ArrayList<>();
        for (JsonNode field : filed.json().at("/agreement/fields")) {
            if (field.get("state").asString().equals("PENDING")) {
                decisions.add(
                        idMasking != null && field.get("name").asString().equals("idNumber")
                                ? Map.of("field", "idNumber", "outcome", "APPROVE", "masking", idMasking)
                                : Map.of("field", field.get("name").asString(), "outcome", "APPROVE"));
            }
        }
        if (!decisions.isEmpty()) {
            assertThat(provider.approver()
                            .post("/api/catalog/agreements/" + id + "/decisions", Map.of("decisions", decisions))
                            .status())
                    .isEqualTo(200);
        }
    }

    Map<String, Object> record(String sourceId, String name) {
        return record(sourceId, name, SyntheticIdentifiers.idNumber(random, "430102", LocalDate.of(1995, 5, 20)));
    }

    static Map<String, Object> record(String sourceId, String name, String idNumber) {
        return Map.of(
                "sourceRecordId",
                sourceId,
                "record",
                Map.of(
                        "certificateNo",
                        "10542120200500" + sourceId.hashCode() % 1000,
                        "name",
                        name,
                        "idNumber",
                        idNumber,
                        "school",
                        "湖南大学",
                        "mobile",
                        "13812345678",
                        "religion",
                        "无"));
    }

    /** A record whose ID number fails its GB 11643 check digit. */
    static Map<String, Object> bad(String sourceId) {
        return record(sourceId, "郑十一", "430102199505200000");
    }

    List<JsonNode> mailbox(Party party) {
        List<JsonNode> items = new ArrayList<>();
        party.admin().get("/api/exchange/mailbox").json().forEach(items::add);
        return items;
    }

    /** Why an envelope does not verify with the hub's key, or null when it does. */
    String verify(JsonNode envelope) {
        return EnvelopeVerifier.problem(JSON.treeToValue(envelope, Envelope.class), hubKey);
    }

    static List<String> fields(JsonNode record) {
        List<String> names = new ArrayList<>();
        record.propertyNames().forEach(names::add);
        return names;
    }

    @Override
    public void close() {
        webhook.close();
    }
}
