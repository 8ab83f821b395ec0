package cn.tongban.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cn.tongban.identifier.SyntheticIdentifiers;
import cn.tongban.support.Api;
import cn.tongban.support.HubTest;
import cn.tongban.support.TcpProxy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Kafka delivery through its route (#12), against a real in-process broker: the record in the
 * Confluent wire format, the signed envelope in a header, a person's records in order on one
 * partition; what is pushed while the broker is unreachable waits, then arrives once, in order.
 */
@HubTest
@DirtiesContext // its Kafka producer must not outlive the broker
@TestPropertySource(
        properties = {
            "tongban.exchange.max-attempts=1000",
            "tongban.exchange.webhook-timeout=2s",
            "tongban.exchange.breaker-calls=2",
            "tongban.exchange.breaker-open-for=1s"
        })
class KafkaDeliveryIT {

    static TcpProxy proxy;
    static EmbeddedKafkaKraftBroker kafka;

    /**
     * The hub reaches the broker only through a proxy, which the broker advertises as its address
     * (the testkit's listener is EXTERNAL, on a port of its choosing): cutting the proxy is an outage
     * of the same cluster, which keeps its topics and knows the hub's idempotent producer.
     */
    @DynamicPropertySource
    static void brokers(DynamicPropertyRegistry registry) {
        proxy = new TcpProxy();
        kafka = new EmbeddedKafkaKraftBroker(1, 1);
        kafka.brokerProperty("advertised.listeners", "EXTERNAL://" + proxy.address());
        kafka.afterPropertiesSet();
        String bound = kafka.getBrokersAsString();
        proxy.forwardTo(Integer.parseInt(bound.substring(bound.lastIndexOf(':') + 1)));
        registry.add("tongban.exchange.kafka-bootstrap-servers", proxy::address);
    }

    @AfterAll
    static void stopBroker() {
        proxy.close();
        kafka.destroy();
    }

    @LocalServerPort
    int port;

    ExchangeProvince province;
    String topic;
    String route;

    @BeforeEach
    void province() {
        province = new ExchangeProvince(port);
        topic = "deliver." + province.code;
        String endpoint = province.endpoint(province.insurer, "DEMAND", "KAFKA_TOPIC", topic, null)
                .json()
                .get("id")
                .asString();
        route = DeliveryRoutes.PREFIX + endpoint;
    }

    @AfterEach
    void close() {
        province.close();
    }

    @Test
    void s01_recordsArriveInTheWireFormatWithTheirEnvelopeInOrderPerPerson() {
        String person = SyntheticIdentifiers.idNumber(province.random, "430102", LocalDate.of(1991, 1, 1));
        push(person, 1, 3);
        List<ConsumerRecord<String, byte[]>> first =
                await().atMost(Duration.ofSeconds(30)).until(() -> read(), r -> r.size() == 3);
        checkWireFormat(first);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> route().get("delivered").asLong() == 3);
    }

    @Test // #12
    void s02_recordsPushedWhileTheBrokerIsUnreachableWaitAndThenArriveOnceEachInOrder() {
        String person = SyntheticIdentifiers.idNumber(province.random, "430102", LocalDate.of(1992, 2, 2));
        push(person, 1, 2);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> route().get("delivered").asLong() == 2);

        proxy.cut();
        try {
            push(person, 3, 6);
            JsonNode down = await().atMost(Duration.ofSeconds(40))
                    .until(
                            this::route,
                            r -> health(r).equals("DOWN") && r.get("backlog").asLong() == 4);
            assertThat(down.get("delivered").asLong()).as("nothing got through").isEqualTo(2);
            assertThat(down.at("/lastFailure/detail").asString()).contains("could not be reached");
            await().atMost(Duration.ofSeconds(15)).until(() -> kafkaHealth().equals("DOWN"));
        } finally {
            proxy.restore();
        }

        JsonNode up = await().atMost(Duration.ofSeconds(30))
                .until(
                        this::route,
                        r -> health(r).equals("UP")
                                && r.get("backlog").asLong() == 0
                                && r.get("delivered").asLong() == 6);
        assertThat(up.get("deadLetters").asLong()).isZero();
        await().atMost(Duration.ofSeconds(15)).until(() -> kafkaHealth().equals("UP"));
        List<ConsumerRecord<String, byte[]>> records = read();
        assertThat(records)
                .extracting(r -> envelope(r).get("sourceRecordId").asString())
                .as("each record once, in the person's order")
                .containsExactly("K-1", "K-2", "K-3", "K-4", "K-5", "K-6");
        assertThat(records)
                .extracting(r -> header(r, "tongban-idempotency-key"))
                .doesNotHaveDuplicates();
    }

    @Test
    void s03_aBrokerBackInTheMiddleOfAPassLetsNoRecordOvertakeAnEarlierOneOfItsPerson() throws Exception { // #12
        String person = SyntheticIdentifiers.idNumber(province.random, "430102", LocalDate.of(1993, 3, 3));
        push(person, 1, 2);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> route().get("delivered").asLong() == 2);
        proxy.cut();
        Thread.sleep(2500);
        push(person, 3, 6);
        Thread.sleep(3000); // the broker comes back while a pass is still waiting for it
        proxy.restore();
        await().atMost(Duration.ofSeconds(40))
                .until(() -> route().get("delivered").asLong() == 6);
        List<String> onTopic = read().stream()
                .map(r -> envelope(r).get("sourceRecordId").asString())
                .toList();
        assertThat(onTopic.stream().distinct())
                .as("at least once, and in the person's order: " + onTopic)
                .containsExactly("K-1", "K-2", "K-3", "K-4", "K-5", "K-6");
        assertThat(onTopic)
                .as("nothing is sent again once delivered: " + onTopic)
                .doesNotHaveDuplicates();
    }

    private String kafkaHealth() {
        return Api.at(port)
                .as("ops")
                .get("/actuator/health")
                .json()
                .at("/components/kafka/status")
                .asString();
    }

    private JsonNode route() {
        return Api.at(port).as("ops").get("/api/ops/routes/" + route).json();
    }

    private static String health(JsonNode route) {
        return route.get("health").asString();
    }

    private void checkWireFormat(List<ConsumerRecord<String, byte[]>> records) {
        assertThat(records)
                .extracting(ConsumerRecord::partition)
                .as("one person, one partition")
                .containsOnly(records.get(0).partition());
        assertThat(records)
                .extracting(r -> envelope(r).get("sourceRecordId").asString())
                .containsExactly("K-1", "K-2", "K-3");
        for (ConsumerRecord<String, byte[]> record : records) {
            ByteBuffer value = ByteBuffer.wrap(record.value());
            assertThat(value.get()).as("Confluent magic byte").isZero();
            int schemaId = value.getInt();
            JsonNode schema = Api.at(port)
                    .as("admin")
                    .get("/registry/schemas/ids/" + schemaId)
                    .json();
            Schema writer = new Schema.Parser().parse(schema.get("schema").asString());
            GenericRecord decoded = decode(writer, record.value());
            assertThat(ExchangeProvince.fields(Api.json(decoded.toString())))
                    .as("exactly the granted fields")
                    .containsExactly("certificateNo", "mobile");
            assertThat(decoded.get("mobile").toString()).isEqualTo("138****5678");
            JsonNode envelope = envelope(record);
            assertThat(envelope.has("record"))
                    .as("the record travels as the value, not in the header")
                    .isFalse();
            assertThat(envelope.at("/signature/mode").asString()).isEqualTo("BATCH");
            assertThat(header(record, "tongban-idempotency-key")).hasSize(64);
        }
    }

    private void push(String person, int from, int to) {
        List<Map<String, Object>> records = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            records.add(ExchangeProvince.record("K-" + i, "周九", person));
        }
        Api.Reply pushed =
                province.supplierSystem.post("/api/exchange/intake/" + province.code, Map.of("records", records));
        assertThat(pushed.status()).as(pushed.toString()).isEqualTo(202);
    }

    /** Everything on the topic from the start, read by a fresh consumer group. */
    private List<ConsumerRecord<String, byte[]>> read() {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + System.nanoTime());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < until) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private static JsonNode envelope(ConsumerRecord<String, byte[]> record) {
        return Api.json(header(record, "tongban-envelope"));
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static GenericRecord decode(Schema writer, byte[] framed) {
        try {
            return new GenericDatumReader<GenericRecord>(writer)
                    .read(null, DecoderFactory.get().binaryDecoder(framed, 5, framed.length - 5, null));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
