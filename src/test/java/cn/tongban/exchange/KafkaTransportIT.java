package cn.tongban.exchange;

import static cn.tongban.exchange.TwoInstances.awaitDeliveryRoutes;
import static cn.tongban.exchange.TwoInstances.bySource;
import static cn.tongban.exchange.TwoInstances.leads;
import static cn.tongban.exchange.TwoInstances.missing;
import static cn.tongban.exchange.TwoInstances.port;
import static cn.tongban.exchange.TwoInstances.routeStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cn.tongban.support.Api;
import cn.tongban.support.HubsInJvm;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.CamelContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import tools.jackson.databind.JsonNode;

/**
 * The Kafka transport (ADR 0020) with two hub instances on one PostgreSQL and a real in-process
 * broker: pushes through either instance go to the intake topic and both instances' consumers
 * take them in. Instance A is stopped in order while the topic still holds parts for it: every
 * record answered 202 reaches the webhook and the mailbox, none under two delivery ids, each
 * part is one batch taken in once, and the singleton work moves to B.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaTransportIT {

    private static final int PARTITIONS = 4;
    private static final int BATCH = 200;
    private static final int ROUNDS = 8;

    private static EmbeddedKafkaKraftBroker kafka;
    private static TwoInstances instances;
    private static String topic;
    private static ConfigurableApplicationContext a;
    private static ConfigurableApplicationContext b;

    @BeforeAll
    static void twoInstancesAndABroker() throws IOException {
        kafka = new EmbeddedKafkaKraftBroker(1, 1);
        // One broker: the transaction log and the group offsets have one copy.
        kafka.brokerProperty("transaction.state.log.replication.factor", "1");
        kafka.brokerProperty("transaction.state.log.min.isr", "1");
        kafka.brokerProperty("offsets.topic.replication.factor", "1");
        kafka.brokerProperty("group.initial.rebalance.delay.ms", "0");
        kafka.afterPropertiesSet();
        instances = new TwoInstances();
        topic = "tongban.intake." + instances.tag;
        a = start("hub-a");
        await().atMost(TwoInstances.LEASE.multipliedBy(3)).until(() -> leads(a));
        b = start("hub-b");
    }

    private static ConfigurableApplicationContext start(String instance) {
        Map<String, Object> settings = instances.settings(instance, instances.url);
        settings.put("tongban.exchange.transport", "kafka");
        settings.put("tongban.exchange.kafka-bootstrap-servers", kafka.getBrokersAsString());
        settings.put("tongban.exchange.kafka.topic", topic);
        settings.put("tongban.exchange.kafka.partitions", PARTITIONS);
        settings.put("tongban.exchange.kafka.session-timeout", "6s");
        return HubsInJvm.run(settings);
    }

    @AfterAll
    static void stop() throws IOException {
        TwoInstances.closeAll(a, b);
        if (instances != null) {
            instances.close();
        }
        if (kafka != null) {
            kafka.destroy();
        }
    }

    @Test
    @Order(1)
    void partsTakenInByBothInstancesAndNothingLostWhenOneStopsMidStream() throws Exception {
        try (ExchangeProvince province = new ExchangeProvince(port(a))) {
            Api viaA = province.supplierSystem;
            Api viaB = viaA.onPort(port(b));
            awaitDeliveryRoutes(b);
            await().atMost(Duration.ofSeconds(20)).until(() -> "Started".equals(routeStatus(b, "intake-topic")));
            refusedPushWritesNothing(province, viaA);

            Set<String> accepted = ConcurrentHashMap.newKeySet();
            List<String> batches = new ArrayList<>();
            List<List<Map<String, Object>>> pushed = new ArrayList<>();
            // The consumers held back while the batches go in, so that A has parts waiting when it stops.
            consumers(a, false);
            consumers(b, false);
            for (int round = 0; round < ROUNDS; round++) {
                pushed.add(records(province, "r" + round + "-"));
                push(province, round % 2 == 0 ? viaA : viaB, pushed.get(round), accepted, batches);
            }
            int written = batches.size();
            // Operators see what piles up: the group is behind by at least every part (and its marker).
            await().atMost(Duration.ofSeconds(15)).until(() -> offsetsBehind(b), behind -> behind >= written);
            consumers(a, true);
            consumers(b, true);
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(5))
                    .until(() -> taken(a) > 0);
            var partsOfA = a.getBean(IntakeTopicConsumer.class).parts(IntakeTopicConsumer.PartOutcome.TAKEN);
            long stopAt = System.nanoTime();
            a.close();
            double takenByA = partsOfA.count();
            double takenByBBefore = taken(b);
            assertThat(takenByA + takenByBBefore)
                    .as("parts taken in when A stopped, of " + written)
                    .isLessThan(written);
            push(province, viaB, records(province, "r" + ROUNDS + "-"), accepted, batches);
            push(province, viaB, pushed.get(0), accepted, batches); // sent again: its records are queued once
            await().atMost(TwoInstances.RENEW.multipliedBy(8)).until(() -> leads(b));
            Duration handover = Duration.ofNanos(System.nanoTime() - stopAt);
            await().atMost(Duration.ofSeconds(5)).until(() -> "Started".equals(routeStatus(b, "ledger-sealer")));

            everyAcceptedRecordArrivesOnce(province, accepted);
            everyPartIsOneBatchTakenInOnce(viaB, batches);
            // Drained: at most each partition's last transaction marker is left.
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> offsetsBehind(b), behind -> behind >= 0 && behind <= PARTITIONS);
            assertThat(takenByA + taken(b)).as("parts taken in by A and B").isEqualTo(batches.size());
            System.out.printf(
                    "Kafka transport: %d records in %d parts; A took %.0f before it stopped with %d of %d written waiting, B the rest; singleton work on B %d ms after A stopped%n",
                    accepted.size(),
                    batches.size(),
                    takenByA,
                    written - (int) (takenByA + takenByBBefore),
                    written,
                    handover.toMillis());
            JsonNode verified =
                    Api.at(port(b)).as("auditor").get("/api/audit/verify").json();
            assertThat(verified.get("intact").asBoolean())
                    .as(verified.toString())
                    .isTrue();
        }
    }

    /**
     * What else may be on the topic: a part written to it again (a replay on the brokers, an
     * operator's re-produce) is a repeat, taken in once; a message no hub sealed is skipped; and
     * the partition goes on with the next push.
     */
    @Test
    @Order(2)
    void aPartWrittenAgainIsARepeatAndOneNoHubSealedIsSkipped() throws Exception {
        try (ExchangeProvince province = new ExchangeProvince(port(b))) {
            Api supplier = province.supplierSystem;
            Set<String> accepted = ConcurrentHashMap.newKeySet();
            List<String> batches = new ArrayList<>();
            push(province, supplier, records(province, "h0-"), accepted, batches);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> missing(accepted, province.webhook.envelopes()), Set::isEmpty);
            IntakeTopicConsumer consumer = b.getBean(IntakeTopicConsumer.class);
            double repeats =
                    consumer.parts(IntakeTopicConsumer.PartOutcome.REPEAT).count();
            double unreadable =
                    consumer.parts(IntakeTopicConsumer.PartOutcome.UNREADABLE).count();

            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                    Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString()),
                    new StringSerializer(),
                    new ByteArraySerializer())) {
                ConsumerRecord<String, byte[]> part = firstPartOf(batches.get(0));
                producer.send(new ProducerRecord<>(topic, part.partition(), part.key(), part.value(), part.headers()))
                        .get();
                ProducerRecord<String, byte[]> forged =
                        new ProducerRecord<>(topic, part.partition(), "forged", new byte[64]);
                forged.headers()
                        .add(
                                IntakeTopic.KEY_ID_HEADER,
                                part.headers()
                                        .lastHeader(IntakeTopic.KEY_ID_HEADER)
                                        .value());
                producer.send(forged).get();
            }
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> consumer.parts(IntakeTopicConsumer.PartOutcome.REPEAT)
                                            .count()
                                    > repeats
                            && consumer.parts(IntakeTopicConsumer.PartOutcome.UNREADABLE)
                                            .count()
                                    > unreadable);

            push(province, supplier, records(province, "h1-"), accepted, batches);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> missing(accepted, province.webhook.envelopes()), Set::isEmpty);
            assertThat(bySource(province.webhook.envelopes()))
                    .allSatisfy((source, ids) ->
                            assertThat(ids).as("delivery ids of " + source).hasSize(1));
            int deliveries = 0;
            for (String id : batches) {
                deliveries += supplier.get("/api/exchange/batches/" + id)
                        .json()
                        .get("deliveries")
                        .asInt();
            }
            assertThat(deliveries).as("deliveries queued by the batches").isEqualTo(2 * 2 * BATCH);
        }
    }

    /** The message that carries one part of a batch, read back from the topic. */
    private static ConsumerRecord<String, byte[]> firstPartOf(String batchId) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.getBrokersAsString(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed");
        try (KafkaConsumer<String, byte[]> reader =
                new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : reader.poll(Duration.ofMillis(500))) {
                    if (batchId.equals(record.key())) {
                        return record;
                    }
                }
            }
        }
        throw new AssertionError("no message of batch " + batchId + " on the intake topic");
    }

    /** Another participant's push is refused before anything reaches the topic. */
    private static void refusedPushWritesNothing(ExchangeProvince province, Api supplier) throws Exception {
        long before = endOffsets();
        Api.Reply refused = province.insurer
                .admin()
                .post(
                        "/api/exchange/intake/" + province.code,
                        Map.of("records", List.of(province.record("x-1", "吴一"))));
        assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        Api.Reply unknown = supplier.post(
                "/api/exchange/intake/no-such-resource", Map.of("records", List.of(province.record("x-2", "吴二"))));
        assertThat(unknown.status()).as(unknown.toString()).isEqualTo(404);
        assertThat(endOffsets()).isEqualTo(before);
    }

    private static List<Map<String, Object>> records(ExchangeProvince province, String prefix) {
        List<Map<String, Object>> records = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            records.add(province.record(prefix + i, "郑" + i));
        }
        return records;
    }

    private static void push(
            ExchangeProvince province,
            Api instance,
            List<Map<String, Object>> records,
            Set<String> accepted,
            List<String> batches) {
        Api.Reply reply = instance.post("/api/exchange/intake/" + province.code, Map.of("records", records));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(202);
        JsonNode queued = reply.json();
        assertThat(queued.get("queued").asInt()).isEqualTo(BATCH);
        int inParts = 0;
        for (JsonNode part : queued.get("batches")) {
            batches.add(part.get("batchId").asString());
            inParts += part.get("records").asInt();
        }
        assertThat(inParts).isEqualTo(BATCH);
        assertThat(queued.get("batches").size()).isBetween(1, PARTITIONS);
        records.forEach(r -> accepted.add((String) r.get("sourceRecordId")));
    }

    private static void everyAcceptedRecordArrivesOnce(ExchangeProvince province, Set<String> accepted) {
        await().atMost(Duration.ofSeconds(90))
                .alias("accepted records the webhook has not received")
                .until(() -> missing(accepted, province.webhook.envelopes()), Set::isEmpty);
        Map<String, Set<String>> deliveryIds = bySource(province.webhook.envelopes());
        assertThat(deliveryIds)
                .allSatisfy((source, ids) ->
                        assertThat(ids).as("delivery ids of " + source).hasSize(1));
        Api insurer = province.insurer.admin().onPort(port(b));
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Set<String> sources = new HashSet<>();
            long after = 0;
            for (JsonNode page;
                    (page = insurer.get("/api/exchange/mailbox?limit=1000&after=" + after)
                                            .json())
                                    .size()
                            > 0; ) {
                for (JsonNode item : page) {
                    sources.add(item.at("/envelope/sourceRecordId").asString());
                    after = Math.max(after, item.get("id").asLong());
                }
            }
            return sources.containsAll(accepted);
        });
    }

    /**
     * Each part answered in a 202 is a batch of its own once taken in, with all its records; the
     * part pushed twice was queued twice but its records only once.
     */
    private static void everyPartIsOneBatchTakenInOnce(Api supplier, List<String> batches) {
        int accepted = 0;
        int deliveries = 0;
        for (String id : batches) {
            Api.Reply batch = supplier.get("/api/exchange/batches/" + id);
            assertThat(batch.status()).as(batch.toString()).isEqualTo(200);
            accepted += batch.json().get("accepted").asInt();
            deliveries += batch.json().get("deliveries").asInt();
            assertThat(batch.json().get("quarantined").asInt()).isZero();
        }
        assertThat(accepted).isEqualTo((ROUNDS + 2) * BATCH);
        // Two demanders for each record, once: the batch pushed again queued nothing new.
        assertThat(deliveries).isEqualTo(2 * (ROUNDS + 1) * BATCH);
    }

    private static void consumers(ConfigurableApplicationContext hub, boolean running) throws Exception {
        var routes = hub.getBean(CamelContext.class).getRouteController();
        if (running) {
            routes.resumeRoute(IntakeTopicConsumer.ROUTE);
        } else {
            routes.suspendRoute(IntakeTopicConsumer.ROUTE);
        }
    }

    /** What the instance's health says the pipeline's consumer group is behind in the intake topic. */
    private static long offsetsBehind(ConfigurableApplicationContext hub) {
        JsonNode kafka =
                Api.at(port(hub)).as("ops").get("/actuator/health").json().at("/components/kafka");
        assertThat(kafka.at("/status").asString()).as(kafka.toString()).isEqualTo("UP");
        return kafka.at("/details/intakeTopic/offsetsBehind").asLong(-1);
    }

    /** Parts this instance ran through the pipeline. */
    private static double taken(ConfigurableApplicationContext hub) {
        return hub.getBean(IntakeTopicConsumer.class)
                .parts(IntakeTopicConsumer.PartOutcome.TAKEN)
                .count();
    }

    private static long endOffsets() throws Exception {
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString());
        try (Admin admin = Admin.create(config)) {
            Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            return admin.listOffsets(latest).all().get().values().stream()
                    .mapToLong(o -> o.offset())
                    .sum();
        }
    }
}
