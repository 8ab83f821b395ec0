package cn.tongban.exchange;

import cn.tongban.catalog.Resource;
import cn.tongban.catalog.SupplyList;
import cn.tongban.schema.SchemaRegistry;
import cn.tongban.schema.WireFormat;
import cn.tongban.security.Actor;
import cn.tongban.security.Role;
import cn.tongban.web.ApiException.FieldProblem;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Kafka 接入: one poll of a supplier's topic. Each message is in the Confluent wire format; its
 * writer schema comes from the hub's registry and it is read as the resource's current schema
 * (Avro schema resolution), then goes through the same intake as an HTTP push. A message that
 * cannot be read is quarantined with its reason. Offsets are committed only once the batch is in
 * the outbox; the message key, when there is one, is the record's source id.
 */
@Component("kafkaIntake")
public class KafkaIntake {

    private final IntakeService intake;
    private final SupplyList supplyList;
    private final SchemaRegistry registry;
    private final ExchangeProperties properties;
    private final Map<Integer, Schema> writers = new ConcurrentHashMap<>();
    private final RecordLimits limits;

    KafkaIntake(
            IntakeService intake,
            SupplyList supplyList,
            SchemaRegistry registry,
            ExchangeProperties properties,
            RecordLimits limits) {
        this.limits = limits;
        this.intake = intake;
        this.supplyList = supplyList;
        this.registry = registry;
        this.properties = properties;
    }

    public void ingest(Exchange poll) {
        List<?> messages = poll.getMessage().getBody(List.class);
        if (messages == null || messages.isEmpty()) {
            return;
        }
        String supplier = poll.getMessage().getHeader("TongbanSupplier", String.class);
        Resource resource = supplyList.get(poll.getMessage().getHeader("TongbanResource", String.class));
        Schema reader = SchemaRegistry.parse(resource.avroSchema());
        List<IntakeService.IncomingRecord> records = new ArrayList<>(messages.size());
        Map<Integer, Exchange> lastPerPartition = new LinkedHashMap<>();
        String topic = null;
        for (Object item : messages) {
            Exchange message = (Exchange) item;
            topic = message.getMessage().getHeader(KafkaConstants.TOPIC, String.class);
            Integer partition = message.getMessage().getHeader(KafkaConstants.PARTITION, Integer.class);
            Long offset = message.getMessage().getHeader(KafkaConstants.OFFSET, Long.class);
            Object key = message.getMessage().getHeader(KafkaConstants.KEY);
            String sourceId = key != null ? key.toString() : topic + "/" + partition + "/" + offset;
            records.add(decode(sourceId, message.getMessage().getBody(byte[].class), reader));
            lastPerPartition.put(partition, message);
        }
        Actor actor = new Actor("kafka:" + topic, supplier, Set.of(Role.SYSTEM));
        for (int from = 0; from < records.size(); from += IntakeService.MAX_BATCH) {
            List<IntakeService.IncomingRecord> chunk =
                    records.subList(from, Math.min(records.size(), from + IntakeService.MAX_BATCH));
            intake.ingest(resource.code(), chunk, "KAFKA", properties.signingMode(), actor);
        }
        for (Exchange last : lastPerPartition.values()) {
            KafkaManualCommit commit =
                    last.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
            if (commit != null) {
                commit.commit();
            }
        }
    }

    private IntakeService.IncomingRecord decode(String sourceId, byte[] value, Schema reader) {
        if (value != null && value.length > limits.maxRecordBytes()) {
            return oversized(sourceId, value);
        }
        int schemaId;
        try {
            schemaId = WireFormat.schemaId(value);
        } catch (RuntimeException e) {
            return undecodable(sourceId, value, "wire-format", "is not in the Confluent wire format");
        }
        Schema writer;
        try {
            writer = writers.computeIfAbsent(
                    schemaId, id -> SchemaRegistry.parse(registry.schema(id).canonical()));
        } catch (RuntimeException e) {
            return undecodable(sourceId, value, "schema-id", "names no schema registered at the hub");
        }
        return read(sourceId, value, writer, reader);
    }

    /** The Avro body after the wire-format header, read with the writer's schema as the reader's. */
    static IntakeService.IncomingRecord read(String sourceId, byte[] value, Schema writer, Schema reader) {
        try {
            GenericRecord record = new GenericDatumReader<GenericRecord>(writer, reader)
                    .read(
                            null,
                            DecoderFactory.get()
                                    .binaryDecoder(
                                            value,
                                            WireFormat.HEADER_LENGTH,
                                            value.length - WireFormat.HEADER_LENGTH,
                                            null));
            JsonNode json = JsonRecords.write(record);
            return new IntakeService.IncomingRecord(sourceId, json);
        } catch (java.io.IOException | RuntimeException e) {
            // Hostile bytes fail in many ways (#13: a claimed string length over Avro's limit throws
            // UnsupportedOperationException, which escaped the poll): all of them are unreadable.
            return undecodable(
                    sourceId, value, "schema-resolution", "cannot be read as the resource's registered schema");
        }
    }

    /** Not decoded, and not kept whole: its beginning, length and SM3 digest, with the reason. */
    private IntakeService.IncomingRecord oversized(String sourceId, byte[] value) {
        String head =
                Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(value, RecordLimits.SUMMARY_HEAD / 4 * 3));
        JsonNode summary = RecordLimits.summary(head, value.length, value);
        return new IntakeService.IncomingRecord(
                sourceId,
                summary,
                List.of(new FieldProblem(
                        "value",
                        RecordLimits.MAX_SIZE,
                        "must be at most " + limits.maxRecordBytes() + " bytes in the wire format")));
    }

    /** Kept whole (base64) in quarantine, so it can be inspected and replayed once corrected. */
    private static IntakeService.IncomingRecord undecodable(String sourceId, byte[] value, String rule, String why) {
        JsonNode raw = JsonNodeFactory.instance
                .objectNode()
                .put("wireFormat", value == null ? "" : Base64.getEncoder().encodeToString(value));
        return new IntakeService.IncomingRecord(sourceId, raw, List.of(new FieldProblem("value", rule, why)));
    }
}
