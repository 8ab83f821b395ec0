package cn.tongban.exchange;

import cn.tongban.security.Actor;
import cn.tongban.web.ApiException.FieldProblem;
import java.util.List;
import java.util.UUID;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;

/**
 * 数据接收: where every channel's batch enters — HTTP push, pull, Kafka, file drop and a
 * quarantined record's corrected replay all hand theirs to the one {@code intake-pipeline} route
 * ({@code routes/intake.camel.yaml}), whose steps run in this call's transaction. A record is never
 * dropped: it is either quarantined or queued (or both rejected with the batch).
 */
@Service
public class IntakeService {

    /** How many records one request may carry. */
    public static final int MAX_BATCH = 10_000;

    static final String PIPELINE = "direct:intake";

    private final ProducerTemplate camel;

    IntakeService(ProducerTemplate camel) {
        this.camel = camel;
    }

    /**
     * One record as a supplier sends it: its own stable id and the record as plain JSON. A channel
     * that could not even decode a record (a Kafka message in an unknown schema, a CSV row with
     * the wrong number of cells) passes what it has with its problems, so it is quarantined.
     */
    public record IncomingRecord(String sourceRecordId, JsonNode record, List<FieldProblem> channelProblems) {
        public IncomingRecord {
            channelProblems = channelProblems == null ? List.of() : List.copyOf(channelProblems);
        }

        public IncomingRecord(String sourceRecordId, JsonNode record) {
            this(sourceRecordId, record, List.of());
        }
    }

    /** How a batch went, record by record. */
    public record IntakeResult(
            UUID batchId, int accepted, int quarantined, int deliveries, List<RecordResult> results) {}

    /** What became of one record. */
    public enum RecordStatus {
        ACCEPTED,
        QUARANTINED
    }

    /** One record's outcome; reasons name fields and rules, never values. */
    public record RecordResult(
            int index, String sourceRecordId, RecordStatus status, UUID quarantineId, List<FieldProblem> reasons) {}

    /** 逐条签名 or 批量签名 (one SM2 signature over the Merkle root of the batch). */
    public enum SigningMode {
        RECORD,
        BATCH
    }

    @Transactional
    public IntakeResult ingest(
            String resourceCode, List<IncomingRecord> incoming, String channel, SigningMode mode, Actor actor) {
        return run(new IntakeBatch(resourceCode, incoming, channel, mode, actor));
    }

    /**
     * A supplier's answer to a 数据异议: the same pipeline, each envelope of the corrected record naming
     * the dispute, signed (envelope version 2, ADR 0019).
     */
    @Transactional
    public IntakeResult ingestCorrection(
            String resourceCode,
            IncomingRecord corrected,
            String channel,
            SigningMode mode,
            Actor actor,
            UUID disputeId) {
        return run(new IntakeBatch(resourceCode, List.of(corrected), channel, mode, actor, disputeId.toString()));
    }

    /** A part of a batch pushed through the intake topic (ADR 0020), under the batch id its submitter was given. */
    @Transactional
    public IntakeResult ingestQueued(IntakeTopic.Part part) {
        IntakeBatch batch =
                new IntakeBatch(part.resourceCode(), part.records(), part.channel(), part.mode(), part.actor());
        batch.givenBatchId = part.batchId();
        return run(batch);
    }

    private IntakeResult run(IntakeBatch batch) {
        try {
            camel.sendBody(PIPELINE, batch);
        } catch (CamelExecutionException e) {
            // A refusal (unknown resource, not the provider, batch too large) reaches the caller as it was thrown.
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
        return batch.result;
    }
}
