package cn.tongban.exchange;

import cn.tongban.catalog.Resource;
import cn.tongban.catalog.SupplyList;
import cn.tongban.exchange.IntakeService.IncomingRecord;
import cn.tongban.exchange.IntakeService.SigningMode;
import cn.tongban.exchange.internal.TransactionalProducers;
import cn.tongban.security.Actor;
import cn.tongban.signing.DataCipher;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.utils.Utils;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * 接收主题 (Kafka 传输, ADR 0020): with {@code tongban.exchange.transport=kafka} a pushed batch is
 * checked for what the caller may do (the resource, its provider, the size), cut into one part
 * per partition its records fall in — a person's records always in the same partition, so they
 * keep their order — and the parts are written to the intake topic in one Kafka transaction:
 * the whole batch, or nothing and a 503. Each part is SM4-GCM sealed with the hub's data key
 * (the records carry personal data, and only a hub can write a part a hub will take in). Every
 * instance's {@code intake-topic} route then runs the pipeline on the parts it is given
 * ({@link IntakeTopicConsumer}).
 */
@Component
public class IntakeTopic implements DisposableBean {

    static final String KEY_ID_HEADER = "tongban-key-id";
    /**
     * What a part's plaintext begins with. The data key seals other things too (quarantined
     * records, whose JSON a supplier writes): without this, such a ciphertext put on the topic
     * would open as a part.
     */
    private static final byte[] DOMAIN = "tongban-intake-part-v1\n".getBytes(StandardCharsets.US_ASCII);
    /** Bigger than any part a push can make (its body is at most 16 MB): the topic and the producers allow it. */
    static final int MAX_PART_BYTES = 24 * 1024 * 1024;

    /** What the topic carries: one part of a pushed batch, with who pushed it. */
    record Part(
            UUID batchId,
            UUID submissionId,
            String resourceCode,
            String channel,
            SigningMode mode,
            Actor actor,
            List<IncomingRecord> records) {}

    /** 已排队: the parts of a pushed batch, each a batch of its own once taken in. */
    public record Submission(UUID submissionId, int queued, List<QueuedBatch> batches) {}

    /** One part: its batch id ({@code GET /api/exchange/batches/{id}} once taken in) and its records. */
    public record QueuedBatch(UUID batchId, int records) {}

    /** The intake topic could not take the batch now; the caller sends it again later. */
    public static final class Unavailable extends RuntimeException {
        Unavailable(String why, Throwable cause) {
            super(why, cause);
        }
    }

    private final IntakeTopicProperties settings;
    private final ExchangeProperties exchange;
    private final SupplyList supplyList;
    private final cn.tongban.signing.PersonRefs personRefs;
    private final DataCipher cipher;
    private final JsonMapper json;
    private final IntakePipeline pipeline;
    private volatile TransactionalProducers producers;

    IntakeTopic(
            IntakeTopicProperties settings,
            ExchangeProperties exchange,
            SupplyList supplyList,
            cn.tongban.signing.PersonRefs personRefs,
            DataCipher cipher,
            JsonMapper json,
            IntakePipeline pipeline) {
        this.pipeline = pipeline;
        this.settings = settings;
        this.exchange = exchange;
        this.supplyList = supplyList;
        this.personRefs = personRefs;
        this.cipher = cipher;
        this.json = json;
    }

    /** Whether pushed batches go through the intake topic. */
    public boolean enabled() {
        return exchange.transport() == ExchangeProperties.Transport.KAFKA;
    }

    /**
     * Writes the batch to the intake topic, whole; refuses it (nothing written) when the caller
     * may not supply the resource or the batch is out of bounds, as the pipeline would.
     */
    public Submission submit(
            String resourceCode, List<IncomingRecord> incoming, String channel, SigningMode mode, Actor actor) {
        Resource resource = IntakePipeline.admissible(supplyList, resourceCode, incoming.size(), actor);
        String personField = QualityRules.personKeyField(pipeline.schemaOf(resource));
        int partitions;
        try {
            partitions = producers().partitionCount(settings.topic());
        } catch (KafkaException e) {
            throw new Unavailable(
                    "the intake topic cannot be reached (" + e.getClass().getSimpleName() + ")", e);
        }
        Map<Integer, List<IncomingRecord>> byPartition = new TreeMap<>();
        for (IncomingRecord record : incoming) {
            byPartition
                    .computeIfAbsent(partitionOf(record, personField, partitions, personRefs), p -> new ArrayList<>())
                    .add(record);
        }
        UUID submissionId = UUID.randomUUID();
        List<ProducerRecord<String, byte[]>> messages = new ArrayList<>(byPartition.size());
        List<QueuedBatch> batches = new ArrayList<>(byPartition.size());
        byPartition.forEach((partition, records) -> {
            Part part = new Part(
                    UUID.randomUUID(), submissionId, resource.code(), channel, mode, actor, List.copyOf(records));
            messages.add(message(partition, part));
            batches.add(new QueuedBatch(part.batchId(), records.size()));
        });
        try {
            producers().writeAll(messages);
        } catch (KafkaException e) {
            throw new Unavailable(
                    "the intake topic did not take the batch (" + e.getClass().getSimpleName() + ")", e);
        }
        return new Submission(submissionId, incoming.size(), List.copyOf(batches));
    }

    /**
     * A person's partition among the topic's (as the brokers count them, not as configured): from
     * their reference (an HMAC of the ID number, never the number), as Kafka's own partitioner
     * would place that key; a record without one goes by its source id.
     */
    private static int partitionOf(
            IncomingRecord record, String personField, int partitions, cn.tongban.signing.PersonRefs personRefs) {
        JsonNode person = personField == null || record.record() == null
                ? null
                : record.record().get(personField);
        String key = person != null && person.isString()
                ? personRefs.of(person.asString())
                : String.valueOf(record.sourceRecordId());
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private ProducerRecord<String, byte[]> message(int partition, Part part) {
        byte[] body = json.writeValueAsBytes(part);
        byte[] plain = java.util.Arrays.copyOf(DOMAIN, DOMAIN.length + body.length);
        System.arraycopy(body, 0, plain, DOMAIN.length, body.length);
        byte[] sealed = cipher.encrypt(plain);
        ProducerRecord<String, byte[]> message =
                new ProducerRecord<>(settings.topic(), partition, part.batchId().toString(), sealed);
        message.headers().add(new RecordHeader(KEY_ID_HEADER, cipher.keyId().getBytes(StandardCharsets.US_ASCII)));
        return message;
    }

    private TransactionalProducers producers() {
        TransactionalProducers made = producers;
        if (made == null) {
            synchronized (this) {
                if (producers == null) {
                    producers = new TransactionalProducers(
                            exchange.kafkaBootstrapServers(),
                            "tongban-intake-" + exchange.instanceId(),
                            settings.producers(),
                            settings.sendTimeout(),
                            MAX_PART_BYTES);
                }
                made = producers;
            }
        }
        return made;
    }

    /** Not a part a hub sealed: it fails SM4-GCM authentication, or it is something else the data key sealed. */
    static final class NotSealedByAHub extends RuntimeException {
        NotSealedByAHub(String why) {
            super(why);
        }
    }

    /** The producers made and their transactions initialised, before the first push; how many are ready. */
    int prepareProducers() {
        return producers().prepare();
    }

    /**
     * A part as the topic carries it, opened with the key it names. Throws {@link NotSealedByAHub}
     * when no hub sealed it as a part; any other failure (its JSON) is the hub's own and is thrown
     * as it is, so the part is polled again rather than skipped.
     */
    Part open(byte[] sealed, String keyId) {
        byte[] plain;
        try {
            plain = cipher.decrypt(keyId, sealed);
        } catch (IllegalStateException e) {
            throw new NotSealedByAHub("it fails SM4-GCM authentication");
        }
        if (plain.length < DOMAIN.length
                || !java.util.Arrays.equals(plain, 0, DOMAIN.length, DOMAIN, 0, DOMAIN.length)) {
            throw new NotSealedByAHub("it is not sealed as an intake part");
        }
        return json.readValue(plain, DOMAIN.length, plain.length - DOMAIN.length, Part.class);
    }

    @Override
    public void destroy() {
        if (producers != null) {
            producers.close();
        }
    }
}
