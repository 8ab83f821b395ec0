package cn.tongban.exchange;

import cn.tongban.catalog.Resource;
import cn.tongban.exchange.DeliveryTargets.Target;
import cn.tongban.exchange.IntakeService.IncomingRecord;
import cn.tongban.exchange.IntakeService.RecordResult;
import cn.tongban.exchange.IntakeService.SigningMode;
import cn.tongban.exchange.internal.ExchangeStore.DeliveryRow;
import cn.tongban.exchange.internal.ExchangeStore.QuarantineRow;
import cn.tongban.security.Actor;
import cn.tongban.web.ApiException.FieldProblem;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * 接收批次: one supplier batch as it passes the intake pipeline's steps (the body of the
 * {@code intake-pipeline} route). Each step reads what the steps before it left and adds its own.
 */
public final class IntakeBatch {

    final String resourceCode;
    final List<IncomingRecord> incoming;
    final String channel;
    final SigningMode mode;
    final Actor actor;
    /** The dispute this batch's record corrects (ADR 0019), named by each of its envelopes; null for other intake. */
    final String disputeId;

    /** The id the batch was given before it reached the pipeline (a part of the intake topic); null: made by admit. */
    UUID givenBatchId;

    // admit
    Resource resource;
    Schema schema;
    String personField;
    UUID batchId;
    Instant now;
    String issuedAt;
    LocalDate today;

    // validate, quarantine
    final List<Checked> checked = new ArrayList<>();
    final List<QuarantineRow> quarantine = new ArrayList<>();
    /** What the ledger records of each record, in the batch's order. */
    ExchangeEvents.Received[] received;

    final List<RecordResult> results = new ArrayList<>();

    // plan, project
    final List<Accepted> accepted = new ArrayList<>();
    List<Target> targets = List.of();
    final List<Draft> drafts = new ArrayList<>();

    // sign
    Integer treeSize;
    byte[] root;
    byte[] seal;
    /** The hub key that signs this batch, taken once, so a key rotation never splits a batch. */
    cn.tongban.signing.HubKeys.Signer signer;

    byte[] leafHashes;
    final List<DeliveryRow> rows = new ArrayList<>();

    IntakeService.IntakeResult result;

    IntakeBatch(String resourceCode, List<IncomingRecord> incoming, String channel, SigningMode mode, Actor actor) {
        this(resourceCode, incoming, channel, mode, actor, null);
    }

    IntakeBatch(
            String resourceCode,
            List<IncomingRecord> incoming,
            String channel,
            SigningMode mode,
            Actor actor,
            String disputeId) {
        this.resourceCode = resourceCode;
        this.incoming = incoming;
        this.channel = channel;
        this.mode = mode;
        this.actor = actor;
        this.disputeId = disputeId;
    }

    /** One record after validation: its problems (none when it passed) and the record read from it. */
    record Checked(int index, IncomingRecord in, List<FieldProblem> problems, GenericRecord record) {}

    /**
     * A record that passed, with its Avro bytes, their SM3 digest, its person, its ordering lane and
     * the dispute it corrects (null when none): a batch's, or the one a peer's envelope names.
     */
    record Accepted(
            String sourceId,
            GenericRecord record,
            byte[] sourceAvro,
            byte[] sourceDigest,
            String personRef,
            String orderKey,
            String disputeId) {}

    /** One delivery being made: for a target, of a record — projected, masked, its canonical bytes and leaf hash. */
    record Draft(Target target, Accepted record, String deliveryId, byte[] avro, byte[] canonical, byte[] leafHash) {}

    /** The delivery of {@code avro} (the record as the target sees it) with the envelope bytes that will be signed. */
    static Draft draft(IntakeBatch batch, Target target, Accepted record, String deliveryId, byte[] avro) {
        byte[] canonical = Envelope.canonicalBytes(
                Envelope.versionFor(record.disputeId()),
                deliveryId,
                batch.resource.code(),
                target.grant().agreementId().toString(),
                target.grant().demanderUscc(),
                target.grant().serviceItemCode(),
                target.grant().purpose(),
                record.sourceId(),
                batch.issuedAt,
                target.schemaFingerprint(),
                avro,
                record.disputeId());
        return new Draft(
                target, record, deliveryId, avro, canonical, cn.tongban.signing.MerkleTree.leafHash(canonical));
    }
}
