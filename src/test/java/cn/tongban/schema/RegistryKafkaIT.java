package cn.tongban.schema;

import static org.assertj.core.api.Assertions.assertThat;

import cn.tongban.schema.serde.AvroDeserializer;
import cn.tongban.schema.serde.AvroSerializer;
import cn.tongban.schema.serde.RegistrySerdeConfig;
import cn.tongban.support.Api;
import cn.tongban.support.CatalogFixture;
import cn.tongban.support.HubTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import tools.jackson.databind.JsonNode;

/**
 * Schema evolution on a real (in-process) Kafka broker through the hub's registry: version 1
 * records, a compatible version 2, readers pinned to each version reading every record, and an
 * incompatible version 3 refused.
 */
@HubTest
class RegistryKafkaIT {

    static EmbeddedKafkaKraftBroker kafka;

    @LocalServerPort
    int port;

    @BeforeAll
    static void startBroker() {
        kafka = new EmbeddedKafkaKraftBroker(1, 1);
        kafka.afterPropertiesSet();
    }

    @AfterAll
    static void stopBroker() {
        kafka.destroy();
    }

    @Test
    void readersPinnedToEachVersionReadEveryRecordAndAnIncompatibleVersionIsRefused() throws Exception {
        CatalogFixture fixture = new CatalogFixture(port);
        CatalogFixture.Party provider = fixture.participant("教育厅(Kafka)", "DEPARTMENT");
        CatalogFixture.Party demander = fixture.participant("公证处(Kafka)", "NOTARY_OFFICE");
        String code = CatalogFixture.resourceCode();
        Map<String, Object> v1Resource = CatalogFixture.resource(code, provider.uscc());
        assertThat(provider.admin().post("/api/catalog/resources", v1Resource).status())
                .isEqualTo(201);
        String topic = code;
        String subject = code + "-value";
        Api anyone = Api.at(port).as("admin");
        Schema v1 = new Schema.Parser()
                .parse(anyone.get("/registry/subjects/" + subject + "/versions/1/schema")
                        .body());

        // 1. The supplier's system writes version 1 records.
        String supplierSystem = credential(provider);
        try (KafkaProducer<String, Object> producer = producer(supplierSystem)) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, record(v1, i, null)))
                        .get();
            }
        }

        // 2. The supplier evolves the schema compatibly: an optional field with a default.
        Map<String, Object> v2Resource = CatalogFixture.withField(
                v1Resource, "{\"name\":\"email\",\"type\":[\"null\",\"string\"],\"default\":null}", "email");
        assertThat(provider.admin()
                        .put("/api/catalog/resources/" + code, v2Resource)
                        .status())
                .isEqualTo(200);
        Schema v2 = new Schema.Parser()
                .parse(anyone.get("/registry/subjects/" + subject + "/versions/2/schema")
                        .body());
        try (KafkaProducer<String, Object> producer = producer(supplierSystem)) {
            for (int i = 5; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, record(v2, i, "p" + i + "@example.cn")))
                        .get();
            }
        }

        // 3. A reader pinned to version 1 and a reader on the latest version both read all ten.
        String demanderSystem = credential(demander);
        List<GenericRecord> asV1 = consume(topic, demanderSystem, Map.of(RegistrySerdeConfig.READER_VERSION, "1"));
        List<GenericRecord> asV2 =
                consume(topic, demanderSystem, Map.of(RegistrySerdeConfig.USE_LATEST_VERSION, "true"));
        assertThat(asV1)
                .hasSize(10)
                .allSatisfy(r -> assertThat(r.getSchema().getField("email")).isNull());
        assertThat(asV2)
                .hasSize(10)
                .allSatisfy(r -> assertThat(r.getSchema().getField("email")).isNotNull());
        for (int i = 0; i < 10; i++) {
            assertThat(asV1.get(i).get("certificateNo").toString()).isEqualTo("CERT-" + i);
            assertThat(asV2.get(i).get("certificateNo").toString()).isEqualTo("CERT-" + i);
        }
        assertThat(asV2.get(0).get("email"))
                .as("the default fills version 1 records")
                .isNull();
        assertThat(asV2.get(7).get("email").toString()).isEqualTo("p7@example.cn");

        // 4. On the wire: magic byte 0 and the id of the version each record was written with.
        int v1Id = anyone.get("/registry/subjects/" + subject + "/versions/1")
                .json()
                .get("id")
                .asInt();
        int v2Id = anyone.get("/registry/subjects/" + subject + "/versions/2")
                .json()
                .get("id")
                .asInt();
        List<byte[]> raw = consumeRaw(topic);
        assertThat(raw).hasSize(10);
        assertThat(raw.get(0)[0]).isZero();
        assertThat(java.nio.ByteBuffer.wrap(raw.get(0), 1, 4).getInt()).isEqualTo(v1Id);
        assertThat(java.nio.ByteBuffer.wrap(raw.get(9), 1, 4).getInt()).isEqualTo(v2Id);

        // 5. An incompatible version 3 (a new required field) is refused, with the report, and nothing changes.
        Map<String, Object> v3Resource =
                CatalogFixture.withField(v2Resource, "{\"name\":\"level\",\"type\":\"string\"}", "level");
        Api.Reply refused = provider.admin().put("/api/catalog/resources/" + code, v3Resource);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.violations()).first().asString().startsWith("schema:compatibility-backward");
        assertThat(refused.body()).contains("READER_FIELD_MISSING_DEFAULT_VALUE");
        assertThat(anyone.get("/registry/subjects/" + subject + "/versions").body())
                .isEqualTo("[1,2]");
        JsonNode catalogued = anyone.get("/api/catalog/resources/" + code).json();
        assertThat(catalogued.get("fields").findValuesAsString("name"))
                .contains("email")
                .doesNotContain("level");
    }

    private KafkaProducer<String, Object> producer(String userInfo) {
        Map<String, Object> config = new HashMap<>(registry(userInfo));
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString());
        config.put(RegistrySerdeConfig.AUTO_REGISTER_SCHEMAS, "false");
        return new KafkaProducer<>(config, new StringSerializer(), serializer(config));
    }

    private List<GenericRecord> consume(String topic, String userInfo, Map<String, String> readerConfig) {
        Map<String, Object> config = new HashMap<>(registry(userInfo));
        config.putAll(readerConfig);
        AvroDeserializer values = new AvroDeserializer();
        values.configure(config, false);
        List<GenericRecord> records = new ArrayList<>();
        for (Object value : poll(topic, values)) {
            records.add((GenericRecord) value);
        }
        return records;
    }

    private List<byte[]> consumeRaw(String topic) {
        return poll(topic, new ByteArrayDeserializer());
    }

    private <V> List<V> poll(String topic, Deserializer<V> values) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<V> out = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(config, new StringDeserializer(), values)) {
            consumer.subscribe(List.of(topic));
            Instant deadline = Instant.now().plusSeconds(30);
            while (out.size() < 10 && Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(500))) {
                    out.add(record.value());
                }
            }
        }
        return out;
    }

    private Map<String, Object> registry(String userInfo) {
        return Map.of(
                RegistrySerdeConfig.SCHEMA_REGISTRY_URL,
                "http://localhost:" + port + "/registry",
                RegistrySerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE,
                "USER_INFO",
                RegistrySerdeConfig.BASIC_AUTH_USER_INFO,
                userInfo);
    }

    private static AvroSerializer serializer(Map<String, Object> config) {
        AvroSerializer serializer = new AvroSerializer();
        serializer.configure(config, false);
        return serializer;
    }

    private static String credential(CatalogFixture.Party party) {
        JsonNode issued = party.admin()
                .post("/api/catalog/participants/" + party.uscc() + "/credentials", Map.of())
                .json();
        return issued.get("keyId").asString() + ":" + issued.get("secret").asString();
    }

    private static GenericRecord record(Schema schema, int i, String email) {
        GenericRecord record = new GenericData.Record(schema);
        record.put("certificateNo", "CERT-" + i);
        record.put("name", "测试" + i);
        record.put("idNumber", "430102199001010011");
        record.put("school", "湖南大学");
        record.put("mobile", "13800000000");
        record.put("religion", "-");
        if (email != null) {
            record.put("email", email);
        }
        return record;
    }
}
