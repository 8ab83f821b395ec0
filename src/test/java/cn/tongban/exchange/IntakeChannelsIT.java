package cn.tongban.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cn.tongban.schema.WireFormat;
import cn.tongban.support.Api;
import cn.tongban.support.HubTest;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The intake channels besides HTTP push, each against a real peer: a supplier's Kafka topic on an
 * in-process broker (Confluent wire format), a file-drop directory (CSV and JSON lines, done/ and
 * failed/), and an HTTP change feed pulled page by page with a cursor. Every good record reaches
 * the demander signed; every bad one lands in quarantine with its reason.
 */
@HubTest
@DirtiesContext // its Kafka consumers must not outlive the broker
class IntakeChannelsIT {

    static EmbeddedKafkaKraftBroker kafka;

    @DynamicPropertySource
    static void brokers(DynamicPropertyRegistry registry) {
        kafka = new EmbeddedKafkaKraftBroker(1, 1);
        kafka.afterPropertiesSet();
        registry.add("tongban.exchange.kafka-bootstrap-servers", kafka::getBrokersAsString);
    }

    @AfterAll
    static void stopBroker() {
        kafka.destroy();
    }

    @LocalServerPort
    int port;

    ExchangeProvince province;

    @BeforeEach
    void province() {
        province = new ExchangeProvince(port);
    }

    @AfterEach
    void close() {
        province.close();
    }

    @Test
    void aSuppliersKafkaTopicInTheConfluentWireFormat() throws Exception {
        String topic = "supply." + province.code;
        province.endpoint(province.provider, "SUPPLY", "KAFKA_TOPIC", topic, province.code);
        JsonNode version = Api.at(port)
                .as("admin")
                .get("/registry/subjects/" + province.code + "-value/versions/latest")
                .json();
        Schema schema = new Schema.Parser().parse(version.get("schema").asString());
        int schemaId = version.get("id").asInt();

        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString());
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            for (String id : List.of("K-1", "K-2")) {
                producer.send(new ProducerRecord<>(topic, id, WireFormat.frame(schemaId, avro(schema, id))));
            }
            producer.send(new ProducerRecord<>(topic, "K-3", "not avro".getBytes(StandardCharsets.UTF_8)));
            producer.flush();
        }

        await().atMost(Duration.ofSeconds(30))
                .until(() -> province.webhook.envelopes().size() == 2);
        assertThat(province.webhook.envelopes())
                .allSatisfy(e -> assertThat(province.verify(e)).isNull())
                .extracting(e -> e.get("sourceRecordId").asString())
                .containsExactlyInAnyOrder("K-1", "K-2");
        JsonNode held = await().atMost(Duration.ofSeconds(10)).until(() -> quarantine("K-3"), q -> q != null);
        assertThat(held.findValuesAsString("rule")).containsExactly("wire-format");
    }

    @Test
    void aFileDropDirectoryOfCsvAndJsonLines() throws Exception {
        Path directory = Path.of("target/it-drop", province.code).toAbsolutePath();
        province.endpoint(province.provider, "SUPPLY", "FILE_DROP", directory.toString(), province.code);
        Map<String, Object> good = province.record("F-1", "张三");
        Map<String, Object> other = province.record("F-2", "李四");
        String csv = "sourceRecordId,certificateNo,name,idNumber,school,mobile,religion\n"
                + row(good) + row(other)
                + "F-3,C-3,王五,430102199505200000,湖南大学,13812345678,无\n";
        drop(directory, "degrees-1.csv", csv);
        drop(
                directory,
                "degrees-2.jsonl",
                ExchangeProvince.JSON.writeValueAsString(province.record("F-4", "赵六")) + "\n");
        drop(directory, "wrong.csv", "id,certificateNo\n1,2\n");

        await().atMost(Duration.ofSeconds(30))
                .until(() -> province.webhook.envelopes().size() == 3);
        assertThat(province.webhook.envelopes())
                .extracting(e -> e.get("sourceRecordId").asString())
                .containsExactlyInAnyOrder("F-1", "F-2", "F-4");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(directory.resolve("failed/wrong.csv")));
        assertThat(Files.readString(directory.resolve("failed/wrong.csv.problems.json")))
                .contains("no sourceRecordId column");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(directory.resolve("done/degrees-1.csv")));
        JsonNode result = Api.json(Files.readString(directory.resolve("done/degrees-1.csv.result.json")));
        assertThat(result.get("accepted").asInt()).isEqualTo(2);
        assertThat(result.at("/quarantined/0/sourceRecordId").asString()).isEqualTo("F-3");
        assertThat(result.at("/quarantined/0/reasons/0/rule").asString()).isEqualTo("id-number-gb11643");
        assertThat(result.toString()).doesNotContain("430102").as("no personal data in the result file");
        assertThat(quarantine("F-3")).isNotNull();
    }

    @Test
    void anHttpChangeFeedPulledPageByPageWithACursor() throws Exception {
        List<String> asked = new CopyOnWriteArrayList<>();
        HttpServer feed = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        feed.createContext("/changes", exchange -> {
            String query = exchange.getRequestURI().getQuery();
            asked.add(query);
            Map<String, Object> page = query.contains("cursor=c1")
                    ? Map.of("records", List.of(province.record("H-3", "孙七")), "nextCursor", "c2", "hasMore", false)
                    : Map.of(
                            "records",
                            List.of(province.record("H-1", "钱八"), province.record("H-2", "周九")),
                            "nextCursor",
                            "c1",
                            "hasMore",
                            true);
            byte[] body = ExchangeProvince.JSON.writeValueAsBytes(page);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        feed.start();
        try {
            province.endpoint(
                    province.provider,
                    "SUPPLY",
                    "HTTP_QUERY",
                    "http://127.0.0.1:" + feed.getAddress().getPort() + "/changes",
                    province.code);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> province.webhook.envelopes().size() == 3);
            assertThat(province.webhook.envelopes())
                    .extracting(e -> e.get("sourceRecordId").asString())
                    .containsExactly("H-1", "H-2", "H-3");
            assertThat(asked).hasSize(2);
            assertThat(asked.get(0)).contains("resource=" + province.code).doesNotContain("cursor=");
            assertThat(asked.get(1)).contains("cursor=c1");
            Thread.sleep(1000);
            assertThat(asked)
                    .as("a DAILY resource is not asked again the same day")
                    .hasSize(2);
        } finally {
            feed.stop(0);
        }
    }

    private JsonNode quarantine(String sourceRecordId) {
        for (JsonNode held : province.provider
                .admin()
                .get("/api/exchange/quarantine?resource=" + province.code)
                .json()) {
            if (sourceRecordId.equals(held.path("sourceRecordId").asString(null))) {
                return held;
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static String row(Map<String, Object> incoming) {
        Map<String, Object> r = (Map<String, Object>) incoming.get("record");
        return String.join(
                        ",",
                        (String) incoming.get("sourceRecordId"),
                        (String) r.get("certificateNo"),
                        (String) r.get("name"),
                        (String) r.get("idNumber"),
                        (String) r.get("school"),
                        (String) r.get("mobile"),
                        (String) r.get("religion"))
                + "\n";
    }

    /** Written under another name and renamed, as suppliers are told to, so no half file is read. */
    private static void drop(Path directory, String name, String content) throws Exception {
        Files.createDirectories(directory);
        Path part = directory.resolve(name + ".part");
        Files.writeString(part, content);
        Files.move(part, directory.resolve(name));
    }

    @SuppressWarnings("unchecked")
    private byte[] avro(Schema schema, String id) throws Exception {
        Map<String, Object> values =
                (Map<String, Object>) province.record(id, "吴十").get("record");
        GenericRecord record = new GenericData.Record(schema);
        values.forEach(record::put);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
