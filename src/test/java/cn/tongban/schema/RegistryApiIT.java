package cn.tongban.schema;

import static org.assertj.core.api.Assertions.assertThat;

import cn.tongban.support.Api;
import cn.tongban.support.CatalogFixture;
import cn.tongban.support.HubTest;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Conformance: walks the registry through Confluent's documented API examples over real HTTP —
 * register, fetch by id, list versions, look up, test compatibility, change config, delete — and
 * checks bodies, media type and Confluent's error codes.
 */
@HubTest
class RegistryApiIT {

    static final String STRING_SCHEMA = "{\"type\": \"string\"}";
    static final String RECORD_V1 =
            "{\"type\":\"record\",\"name\":\"Permit\",\"namespace\":\"t\",\"fields\":[{\"name\":\"no\",\"type\":\"string\"}]}";

    @LocalServerPort
    int port;

    Api admin;
    String subject;

    @BeforeEach
    void setUp() {
        admin = Api.at(port).as("admin");
        subject = "conformance-" + UUID.randomUUID() + "-value";
    }

    @Test
    void s01_registerFetchListLookUp() {
        Api.Reply registered =
                admin.postRegistry("/registry/subjects/" + subject + "/versions", Map.of("schema", STRING_SCHEMA));
        assertThat(registered.status()).as(registered.toString()).isEqualTo(200);
        assertThat(registered.contentType()).startsWith("application/vnd.schemaregistry.v1+json");
        int id = registered.json().get("id").asInt();
        assertThat(admin.postRegistry("/registry/subjects/" + subject + "/versions", Map.of("schema", "\"string\""))
                        .json()
                        .get("id")
                        .asInt())
                .as("an identical schema gets the same id")
                .isEqualTo(id);

        assertThat(admin.get("/registry/schemas/ids/" + id).json().get("schema").asString())
                .isEqualTo("\"string\"");
        assertThat(admin.get("/registry/schemas/ids/" + id + "/schema").body()).isEqualTo("\"string\"");
        assertThat(admin.get("/registry/schemas/ids/" + id + "/versions").body())
                .contains("\"subject\":\"" + subject + "\"");
        assertThat(admin.get("/registry/schemas/types").json().get(0).asString())
                .isEqualTo("AVRO");
        assertThat(admin.get("/registry/subjects").body()).contains(subject);
        assertThat(admin.get("/registry/subjects/" + subject + "/versions").body())
                .isEqualTo("[1]");

        JsonNode version =
                admin.get("/registry/subjects/" + subject + "/versions/1").json();
        assertThat(version.get("subject").asString()).isEqualTo(subject);
        assertThat(version.get("version").asInt()).isEqualTo(1);
        assertThat(version.get("id").asInt()).isEqualTo(id);
        assertThat(version.get("schema").asString()).isEqualTo("\"string\"");
        assertThat(admin.get("/registry/subjects/" + subject + "/versions/latest")
                        .json()
                        .get("version")
                        .asInt())
                .isEqualTo(1);
        assertThat(admin.get("/registry/subjects/" + subject + "/versions/-1/schema")
                        .body())
                .isEqualTo("\"string\"");

        JsonNode lookedUp = admin.postRegistry("/registry/subjects/" + subject, Map.of("schema", STRING_SCHEMA))
                .json();
        assertThat(lookedUp.get("version").asInt()).isEqualTo(1);
        assertThat(lookedUp.get("id").asInt()).isEqualTo(id);
        assertThat(error(admin.postRegistry("/registry/subjects/" + subject, Map.of("schema", "\"int\""))))
                .isEqualTo(40403);
    }

    @Test
    void s02_compatibilityIsCheckedWithTheConfiguredLevel() {
        admin.postRegistry("/registry/subjects/" + subject + "/versions", Map.of("schema", RECORD_V1));
        String addsRequired = RECORD_V1.replace("]}", ",{\"name\":\"region\",\"type\":\"string\"}]}");
        String addsOptional =
                RECORD_V1.replace("]}", ",{\"name\":\"region\",\"type\":[\"null\",\"string\"],\"default\":null}]}");

        JsonNode verbose = admin.postRegistry(
                        "/registry/compatibility/subjects/" + subject + "/versions/latest?verbose=true",
                        Map.of("schema", addsRequired))
                .json();
        assertThat(verbose.get("is_compatible").asBoolean()).isFalse();
        assertThat(verbose.get("messages").toString())
                .contains("READER_FIELD_MISSING_DEFAULT_VALUE")
                .contains("region");
        assertThat(admin.postRegistry(
                                "/registry/compatibility/subjects/" + subject + "/versions/latest",
                                Map.of("schema", addsOptional))
                        .json()
                        .toString())
                .isEqualTo("{\"is_compatible\":true}");

        Api.Reply refused =
                admin.postRegistry("/registry/subjects/" + subject + "/versions", Map.of("schema", addsRequired));
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("error_code").asInt()).isEqualTo(409);
        assertThat(refused.json().get("message").asString()).contains("incompatible");
        assertThat(admin.get("/registry/subjects/" + subject + "/versions").body())
                .isEqualTo("[1]");

        assertThat(admin.get("/registry/config")
                        .json()
                        .get("compatibilityLevel")
                        .asString())
                .isEqualTo("BACKWARD");
        assertThat(error(admin.get("/registry/config/" + subject))).isEqualTo(40408);
        assertThat(admin.get("/registry/config/" + subject + "?defaultToGlobal=true")
                        .json()
                        .get("compatibilityLevel")
                        .asString())
                .isEqualTo("BACKWARD");
        assertThat(admin.put("/registry/config/" + subject, Map.of("compatibility", "NONE"))
                        .json()
                        .get("compatibility")
                        .asString())
                .isEqualTo("NONE");
        assertThat(admin.get("/registry/config/" + subject)
                        .json()
                        .get("compatibilityLevel")
                        .asString())
                .isEqualTo("NONE");
        assertThat(admin.postRegistry("/registry/subjects/" + subject + "/versions", Map.of("schema", addsRequired))
                        .status())
                .isEqualTo(200);
        assertThat(admin.get("/registry/subjects/" + subject + "/versions").body())
                .isEqualTo("[1,2]");
        assertThat(error(admin.put("/registry/config/" + subject, Map.of("compatibility", "SIDEWAYS"))))
                .isEqualTo(42203);
        assertThat(admin.delete("/registry/config/" + subject)
                        .json()
                        .get("compatibilityLevel")
                        .asString())
                .isEqualTo("NONE");
    }

    @Test
    void s03_deletionIsSoftThenPermanent() {
        admin.postRegistry("/registry/subjects/" + subject + "/versions", Map.of("schema", RECORD_V1));
        admin.put("/registry/config/" + subject, Map.of("compatibility", "NONE"));
        admin.postRegistry("/registry/subjects/" + subject + "/versions", Map.of("schema", STRING_SCHEMA));

        assertThat(error(admin.delete("/registry/subjects/" + subject + "/versions/2?permanent=true")))
                .isEqualTo(40407);
        assertThat(admin.delete("/registry/subjects/" + subject + "/versions/1").body())
                .isEqualTo("1");
        assertThat(admin.get("/registry/subjects/" + subject + "/versions").body())
                .isEqualTo("[2]");
        assertThat(admin.get("/registry/subjects/" + subject + "/versions?deleted=true")
                        .body())
                .isEqualTo("[1,2]");
        assertThat(error(admin.get("/registry/subjects/" + subject + "/versions/1")))
                .isEqualTo(40402);
        assertThat(admin.get("/registry/subjects/" + subject + "/versions/1?deleted=true")
                        .status())
                .isEqualTo(200);

        assertThat(error(admin.delete("/registry/subjects/" + subject + "?permanent=true")))
                .isEqualTo(40405);
        assertThat(admin.delete("/registry/subjects/" + subject).body()).isEqualTo("[2]");
        assertThat(admin.get("/registry/subjects").body()).doesNotContain(subject);
        assertThat(admin.get("/registry/subjects?deleted=true").body()).contains(subject);
        assertThat(error(admin.delete("/registry/subjects/" + subject))).isEqualTo(40404);
        assertThat(admin.delete("/registry/subjects/" + subject + "?permanent=true")
                        .body())
                .isEqualTo("[1,2]");
        assertThat(error(admin.get("/registry/subjects/" + subject + "/versions?deleted=true")))
                .isEqualTo(40401);
    }

    @Test
    void s04_badInputGetsConfluentsErrorCodesAndStoresNothing() {
        assertThat(error(admin.get("/registry/subjects/" + subject + "/versions")))
                .isEqualTo(40401);
        admin.postRegistry("/registry/subjects/" + subject + "/versions", Map.of("schema", STRING_SCHEMA));
        assertThat(error(admin.get("/registry/subjects/" + subject + "/versions/99")))
                .isEqualTo(40402);
        assertThat(error(admin.get("/registry/subjects/" + subject + "/versions/one")))
                .isEqualTo(42202);
        assertThat(error(admin.get("/registry/subjects/" + subject + "/versions/0")))
                .isEqualTo(42202);
        assertThat(error(admin.get("/registry/schemas/ids/2000000000"))).isEqualTo(40403);
        assertThat(error(admin.postRegistry(
                        "/registry/subjects/" + subject + "/versions", Map.of("schema", "{\"type\":\"recrod\"}"))))
                .isEqualTo(42201);
        assertThat(error(admin.postRegistry(
                        "/registry/subjects/" + subject + "/versions", Map.of("schema", "not json"))))
                .isEqualTo(42201);
        assertThat(error(admin.postRegistry(
                        "/registry/subjects/" + subject + "/versions",
                        Map.of("schema", STRING_SCHEMA, "schemaType", "PROTOBUF"))))
                .isEqualTo(42201);
        assertThat(admin.get("/registry/subjects/" + subject + "/versions").body())
                .isEqualTo("[1]");
        assertThat(Api.at(port).get("/registry/subjects").status()).isEqualTo(401);
    }

    @Test
    void s05_onlyTheSubjectsOwnerWrites() {
        CatalogFixture fixture = new CatalogFixture(port);
        CatalogFixture.Party provider = fixture.participant("教育厅(登记)", "DEPARTMENT");
        CatalogFixture.Party other = fixture.participant("民政厅(登记)", "DEPARTMENT");
        String code = CatalogFixture.resourceCode();
        assertThat(provider.admin()
                        .post("/api/catalog/resources", CatalogFixture.resource(code, provider.uscc()))
                        .status())
                .isEqualTo(201);
        String resourceSubject = code + "-value";
        assertThat(other.admin()
                        .get("/registry/subjects/" + resourceSubject + "/versions")
                        .body())
                .as("every participant reads")
                .isEqualTo("[1]");
        Api.Reply denied = other.admin()
                .postRegistry("/registry/subjects/" + resourceSubject + "/versions", Map.of("schema", STRING_SCHEMA));
        assertThat(error(denied)).isEqualTo(40301);
        assertThat(error(other.admin().put("/registry/config/" + resourceSubject, Map.of("compatibility", "NONE"))))
                .isEqualTo(40301);
        assertThat(error(provider.admin().put("/registry/config", Map.of("compatibility", "NONE"))))
                .isEqualTo(40301);
        assertThat(error(provider.admin()
                        .postRegistry("/registry/subjects/" + subject + "/versions", Map.of("schema", STRING_SCHEMA))))
                .as("a subject no resource backs is the platform's")
                .isEqualTo(40301);
        assertThat(provider.admin()
                        .put("/registry/config/" + resourceSubject, Map.of("compatibility", "FULL"))
                        .status())
                .isEqualTo(200);
        JsonNode history = Api.at(port)
                .as("auditor")
                .get("/api/catalog/history?entityType=schema-subject&entityId=" + resourceSubject)
                .json();
        assertThat(history.findValuesAsString("action")).contains("registered");
    }

    private static int error(Api.Reply reply) {
        return reply.json().path("error_code").asInt();
    }
}
