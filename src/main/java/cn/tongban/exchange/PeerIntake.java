package cn.tongban.exchange;

import cn.tongban.catalog.SupplyList;
import cn.tongban.exchange.DeliveryTargets.Target;
import cn.tongban.exchange.IntakeBatch.Accepted;
import cn.tongban.exchange.IntakeBatch.Draft;
import cn.tongban.exchange.IntakeService.IncomingRecord;
import cn.tongban.exchange.IntakeService.IntakeResult;
import cn.tongban.exchange.IntakeService.RecordResult;
import cn.tongban.exchange.IntakeService.RecordStatus;
import cn.tongban.exchange.IntakeService.SigningMode;
import cn.tongban.exchange.internal.ExchangeStore;
import cn.tongban.security.Actor;
import cn.tongban.signing.CanonicalBytes;
import cn.tongban.signing.Sm3;
import cn.tongban.web.ApiException;
import java.io.IOException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.springframework.stereotype.Service;

/**
 * 对端来数: records a peer platform delivered under an agreement whose demander is here, already
 * verified against the peer's anchor by federation. Each becomes this hub's own delivery to the
 * demander's endpoints: read into the agreement's projection here (Avro schema resolution from the
 * peer's writer schema, so a field the agreement does not grant here never passes), masked by its
 * rules again, signed by this hub and written to the outbox and the ledger — the intake pipeline's
 * sign and store steps, in the caller's transaction. A re-sent envelope is not queued twice.
 */
@Service
public class PeerIntake {

    /** A batch from a peer: its province, the message that carried it, the verified envelopes. */
    public record PeerBatch(
            String province, String messageId, String resourceCode, List<PeerTransport.PeerRecord> records) {}

    private final SupplyList supplyList;
    private final DeliveryTargets targets;
    private final IntakePipeline pipeline;
    private final ExchangeStore store;
    private final Clock clock;
    private final SigningMode mode;
    /** Peers' writer schemas by fingerprint: a few per agreement, parsed once. */
    private final java.util.Map<String, Schema> writers = new java.util.concurrent.ConcurrentHashMap<>();

    PeerIntake(
            SupplyList supplyList,
            DeliveryTargets targets,
            IntakePipeline pipeline,
            ExchangeStore store,
            Clock clock,
            ExchangeProperties properties) {
        this.supplyList = supplyList;
        this.targets = targets;
        this.pipeline = pipeline;
        this.store = store;
        this.clock = clock;
        this.mode = properties.signingMode();
    }

    public IntakeResult accept(PeerBatch peer) {
        List<IncomingRecord> incoming = peer.records().stream()
                .map(r -> new IncomingRecord(r.envelope().sourceRecordId(), null))
                .toList();
        IntakeBatch batch = new IntakeBatch(
                peer.resourceCode(),
                incoming,
                "PEER:" + peer.province(),
                mode,
                Actor.platform("federation:" + peer.province()));
        admit(batch);
        for (int i = 0; i < peer.records().size(); i++) {
            plan(batch, i, peer.province(), peer.records().get(i));
        }
        Set<String> queuedBefore =
                store.existingKeys(batch.drafts.stream().map(Draft::deliveryId).toList());
        batch.drafts.removeIf(d -> queuedBefore.contains(d.deliveryId()));
        pipeline.sign(batch);
        pipeline.store(batch);
        return batch.result;
    }

    private void admit(IntakeBatch batch) {
        batch.resource = supplyList.get(batch.resourceCode);
        batch.schema = new Schema.Parser().parse(batch.resource.avroSchema());
        batch.batchId = UUID.randomUUID();
        batch.now = clock.instant();
        batch.issuedAt = batch.now.toString();
        batch.today = LocalDate.now(clock);
        batch.received = new ExchangeEvents.Received[batch.incoming.size()];
        batch.targets = targets.of(batch.resource, batch.schema);
    }

    private void plan(IntakeBatch batch, int index, String province, PeerTransport.PeerRecord record) {
        Envelope envelope = record.envelope();
        List<Target> mine = batch.targets.stream()
                .filter(t -> t.grant().agreementId().toString().equals(envelope.agreementId()))
                .filter(t -> t.grant().demanderUscc().equals(envelope.demanderUscc()))
                .toList();
        if (mine.isEmpty()) {
            throw ApiException.forbidden("records[" + index + "]: no agreement in force here for its demander");
        }
        byte[] peerAvro = Base64.getDecoder().decode(envelope.recordAvro());
        byte[] digest = Sm3.digest(peerAvro);
        String orderKey = HexFormat.of()
                .formatHex(Sm3.digest(new CanonicalBytes()
                        .text("peer-order")
                        .text(province)
                        .text(record.orderKey() == null ? envelope.deliveryId() : record.orderKey())
                        .toByteArray()));
        Accepted accepted =
                new Accepted(envelope.sourceRecordId(), null, peerAvro, digest, null, orderKey, envelope.disputeId());
        batch.accepted.add(accepted);
        batch.received[index] = new ExchangeEvents.Received(
                envelope.sourceRecordId(), null, HexFormat.of().formatHex(digest), true, List.of());
        batch.results.add(new RecordResult(index, envelope.sourceRecordId(), RecordStatus.ACCEPTED, null, List.of()));
        for (Target target : mine) {
            batch.drafts.add(draft(batch, index, target, accepted, envelope));
        }
    }

    private Draft draft(IntakeBatch batch, int index, Target target, Accepted record, Envelope envelope) {
        Schema projected = target.projection().schema();
        GenericRecord read = read(index, envelope, projected, record.sourceAvro());
        byte[] avro = IntakePipeline.avro(projected, target.projection().apply(read));
        String deliveryId = HexFormat.of()
                .formatHex(Sm3.digest(new CanonicalBytes()
                        .text("peer")
                        .text(target.grant().agreementId().toString())
                        .text(target.endpoint().kind().name())
                        .text(target.endpoint().address())
                        .text(batch.resource.code())
                        .text(envelope.deliveryId())
                        .bytes(record.sourceDigest())
                        .toByteArray()));
        return IntakeBatch.draft(batch, target, record, deliveryId, avro);
    }

    /** The peer's record read as this agreement's projection: a field it does not grant here is dropped. */
    private GenericRecord read(int index, Envelope envelope, Schema reader, byte[] avro) {
        try {
            if (writers.size() > 1000) {
                writers.clear(); // a peer's schemas are few; many means something is wrong: never grow without bound
            }
            Schema writer = writers.computeIfAbsent(
                    envelope.schemaFingerprint(), k -> new Schema.Parser().parse(envelope.schema()));
            return new GenericDatumReader<GenericRecord>(writer, reader)
                    .read(null, DecoderFactory.get().binaryDecoder(avro, null));
        } catch (IOException | AvroRuntimeException e) {
            throw ApiException.invalid(
                    "records[" + index + "]",
                    "agreement-projection",
                    "the record cannot be read as this agreement's fields");
        }
    }
}
