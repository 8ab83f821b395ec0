package cn.tongban.exchange;

import cn.tongban.catalog.EndpointKind;
import cn.tongban.catalog.Resource;
import cn.tongban.catalog.SupplyList;
import cn.tongban.exchange.DeliveryTargets.Target;
import cn.tongban.exchange.IntakeBatch.Accepted;
import cn.tongban.exchange.IntakeBatch.Checked;
import cn.tongban.exchange.IntakeBatch.Draft;
import cn.tongban.exchange.IntakeService.IncomingRecord;
import cn.tongban.exchange.IntakeService.RecordResult;
import cn.tongban.exchange.IntakeService.RecordStatus;
import cn.tongban.exchange.IntakeService.SigningMode;
import cn.tongban.exchange.internal.ExchangeStore;
import cn.tongban.exchange.internal.ExchangeStore.DeliveryRow;
import cn.tongban.exchange.internal.ExchangeStore.QuarantineRow;
import cn.tongban.identifier.IdNumber;
import cn.tongban.signing.CanonicalBytes;
import cn.tongban.signing.DataCipher;
import cn.tongban.signing.HubKeys;
import cn.tongban.signing.MerkleTree;
import cn.tongban.signing.PersonRefs;
import cn.tongban.signing.Sm2Signer;
import cn.tongban.signing.Sm3;
import cn.tongban.web.ApiException;
import cn.tongban.web.ApiException.FieldProblem;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * 数据接收流水线: the steps of the {@code intake-pipeline} route, in its order — admit, validate,
 * quarantine, plan, project, sign, store — over one {@link IntakeBatch}, inside the caller's
 * transaction. A record is never dropped: it is quarantined with its reasons or queued for every
 * agreement in force (or the whole batch is refused and nothing is written).
 */
@Component("intakePipeline")
public class IntakePipeline {

    private final SupplyList supplyList;
    private final DeliveryTargets targets;
    private final ExchangeStore store;
    private final HubKeys keys;
    private final DataCipher cipher;
    private final JsonMapper json;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final PersonRefs personRefs;
    private final byte[] orderKeySecret;
    private final Timer signing;
    private final RecordLimits limits;
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

    IntakePipeline(
            SupplyList supplyList,
            DeliveryTargets targets,
            ExchangeStore store,
            HubKeys keys,
            DataCipher cipher,
            JsonMapper json,
            Clock clock,
            ApplicationEventPublisher events,
            PersonRefs personRefs,
            MeterRegistry meters,
            RecordLimits limits) {
        this.limits = limits;
        this.supplyList = supplyList;
        this.targets = targets;
        this.store = store;
        this.keys = keys;
        this.cipher = cipher;
        this.json = json;
        this.clock = clock;
        this.events = events;
        this.personRefs = personRefs;
        this.orderKeySecret =
                Sm3.digest(("tongban-order-key\u0000" + HexFormat.of().formatHex(keys.dataKey()))
                        .getBytes(StandardCharsets.UTF_8));
        this.signing = Timer.builder("tongban.signing")
                .description("SM2 signing of an intake batch: its seal or its records' signatures")
                .register(meters);
    }

    /** The resource exists, the caller supplies it, and the batch's size is within bounds. */
    public void admit(IntakeBatch batch) {
        Resource resource = admissible(supplyList, batch.resourceCode, batch.incoming.size(), batch.actor);
        batch.resource = resource;
        batch.schema = schemaOf(resource);
        batch.personField = QualityRules.personKeyField(batch.schema);
        batch.batchId = batch.givenBatchId != null ? batch.givenBatchId : UUID.randomUUID();
        batch.now = clock.instant();
        batch.issuedAt = batch.now.toString();
        batch.today = LocalDate.now(clock);
        batch.received = new ExchangeEvents.Received[batch.incoming.size()];
    }

    /** The resource's Avro schema as it stands, parsed once per version (the intake topic asks it too). */
    Schema schemaOf(Resource resource) {
        return schemas.computeIfAbsent(
                resource.code() + "@" + resource.updatedAt(), k -> new Schema.Parser().parse(resource.avroSchema()));
    }

    /**
     * The resource a batch of {@code records} records is for, when the caller supplies it and the
     * size is within bounds; refused otherwise. The intake topic asks it before it writes a batch.
     */
    static Resource admissible(
            SupplyList supplyList, String resourceCode, int records, cn.tongban.security.Actor actor) {
        Resource resource = supplyList.get(resourceCode);
        if (!actor.mayExchangeFor(resource.providerUscc())) {
            throw ApiException.forbidden("only the resource's provider supplies its records");
        }
        if (records == 0 || records > IntakeService.MAX_BATCH) {
            throw ApiException.invalid(
                    "records", "size", "a batch carries 1 to " + IntakeService.MAX_BATCH + " records");
        }
        return resource;
    }

    /**
     * Each record against the limits, the resource's schema and the quality rules; what the channel
     * could not decode fails here. A record over the size limit is not read further, and is kept
     * only as its summary.
     */
    public void validate(IntakeBatch batch) {
        for (int i = 0; i < batch.incoming.size(); i++) {
            IncomingRecord in = batch.incoming.get(i);
            List<FieldProblem> problems = new ArrayList<>(sourceIdProblems(in.sourceRecordId()));
            problems.addAll(in.channelProblems());
            JsonNode record = in.record();
            FieldProblem size = in.channelProblems().isEmpty() ? limits.size(record) : null;
            JsonRecords.Read read = new JsonRecords.Read(null, List.of());
            if (size != null) {
                problems.add(size);
                record = limits.summary(record);
            } else if (in.channelProblems().isEmpty()) {
                problems.addAll(limits.text(batch.schema, record));
                read = JsonRecords.read(batch.schema, record);
            }
            problems.addAll(read.problems());
            if (read.record() != null) {
                problems.addAll(QualityRules.check(read.record(), batch.today));
            }
            IncomingRecord held =
                    new IncomingRecord(RecordLimits.storable(in.sourceRecordId()), record, in.channelProblems());
            batch.checked.add(new Checked(i, held, problems, read.record()));
        }
    }

    private static List<FieldProblem> sourceIdProblems(String sourceId) {
        if (sourceId == null || sourceId.isBlank() || sourceId.length() > 128) {
            return List.of(new FieldProblem(
                    "sourceRecordId", "required", "each record needs its source id (1-128 characters)"));
        }
        if (sourceId.indexOf('\u0000') >= 0) {
            return List.of(new FieldProblem(
                    "sourceRecordId", RecordLimits.NO_NUL, "must not contain the NUL character (U+0000)"));
        }
        return List.of();
    }

    /** 隔离: a record that failed is held, encrypted, with its reasons (field and rule, never values). */
    public void quarantine(IntakeBatch batch) {
        for (Checked c : batch.checked) {
            if (c.problems().isEmpty()) {
                continue;
            }
            UUID quarantineId = UUID.randomUUID();
            JsonNode record = c.in().record();
            byte[] held = json.writeValueAsBytes(record == null ? json.nullNode() : record);
            batch.received[c.index()] = (new ExchangeEvents.Received(
                    c.in().sourceRecordId(),
                    personRefOf(record, batch.personField),
                    HexFormat.of().formatHex(Sm3.digest(held)),
                    false,
                    c.problems().stream().map(p -> p.field() + ":" + p.rule()).toList()));
            batch.quarantine.add(new QuarantineRow(
                    quarantineId,
                    batch.batchId,
                    batch.resource.code(),
                    batch.resource.providerUscc(),
                    c.in().sourceRecordId(),
                    json.writeValueAsString(c.problems()),
                    cipher.encrypt(held),
                    cipher.keyId(),
                    "HELD",
                    batch.now));
            batch.results.add(new RecordResult(
                    c.index(), c.in().sourceRecordId(), RecordStatus.QUARANTINED, quarantineId, c.problems()));
        }
        store.insertQuarantine(batch.quarantine);
    }

    /** Where the good records go (every agreement in force, at each endpoint), and each one's person and lane. */
    public void plan(IntakeBatch batch) {
        batch.targets = targets.of(batch.resource, batch.schema);
        for (Checked c : batch.checked) {
            if (!c.problems().isEmpty()) {
                continue;
            }
            String sourceId = c.in().sourceRecordId();
            byte[] sourceAvro = avro(batch.schema, c.record());
            byte[] sourceDigest = Sm3.digest(sourceAvro);
            Object person = batch.personField == null ? null : c.record().get(batch.personField);
            String personRef = person == null ? null : personRefs.of(person.toString());
            // A person's records keep their order; a record without a person is its own lane.
            String orderKey = personRef != null ? personRef : orderKey(batch.resource.code() + "\u0000" + sourceId);
            batch.accepted.add(
                    new Accepted(sourceId, c.record(), sourceAvro, sourceDigest, personRef, orderKey, batch.disputeId));
            batch.received[c.index()] = (new ExchangeEvents.Received(
                    sourceId, personRef, HexFormat.of().formatHex(sourceDigest), true, List.of()));
            batch.results.add(new RecordResult(c.index(), sourceId, RecordStatus.ACCEPTED, null, List.of()));
        }
    }

    /**
     * 投影、脱敏、转换: each good record, for each target, converted to the endpoint's pinned
     * version, projected to the granted fields and masked, with the canonical bytes that will be
     * signed. A re-sent record keeps its idempotency keys: what is already queued is not queued again.
     */
    public void project(IntakeBatch batch) {
        for (Accepted record : batch.accepted) {
            for (Target target : batch.targets) {
                batch.drafts.add(draft(batch, target, record));
            }
        }
        Set<String> queuedBefore =
                store.existingKeys(batch.drafts.stream().map(Draft::deliveryId).toList());
        if (!queuedBefore.isEmpty()) {
            batch.drafts.removeIf(d -> queuedBefore.contains(d.deliveryId()));
        }
    }

    private Draft draft(IntakeBatch batch, Target target, Accepted record) {
        String deliveryId = HexFormat.of()
                .formatHex(Sm3.digest(new CanonicalBytes()
                        .text(target.grant().agreementId().toString())
                        .text(target.endpoint().kind().name())
                        .text(target.endpoint().address())
                        .text(batch.resource.code())
                        .text(record.sourceId())
                        .bytes(record.sourceDigest())
                        .toByteArray()));
        GenericRecord source = target.read(record.record(), record.sourceAvro());
        byte[] projected =
                avro(target.projection().schema(), target.projection().apply(source));
        return IntakeBatch.draft(batch, target, record, deliveryId, projected);
    }

    /**
     * 签名: per batch, one SM2 seal over the RFC 6962 SM3 Merkle root of every envelope (each
     * envelope later carries its inclusion proof); per record, one SM2 signature each. Then the
     * outbox rows, the payload encrypted (SM4-GCM).
     */
    public void sign(IntakeBatch batch) {
        Timer.Sample sample = Timer.start();
        batch.signer = keys.current();
        if (!batch.drafts.isEmpty() && batch.mode == SigningMode.BATCH) {
            sealBatch(batch);
        }
        for (int i = 0; i < batch.drafts.size(); i++) {
            Draft draft = batch.drafts.get(i);
            byte[] signature =
                    batch.mode == SigningMode.RECORD ? Sm2Signer.sign(batch.signer.key(), draft.canonical()) : null;
            batch.rows.add(row(batch, draft, batch.mode == SigningMode.BATCH ? i : null, signature));
        }
        sample.stop(signing);
    }

    private void sealBatch(IntakeBatch batch) {
        List<byte[]> leaves = new ArrayList<>(batch.drafts.size());
        for (Draft draft : batch.drafts) {
            leaves.add(draft.leafHash());
        }
        MerkleTree tree = MerkleTree.ofLeafHashes(leaves);
        batch.treeSize = tree.size();
        batch.root = tree.root();
        batch.seal = Sm2Signer.sign(
                batch.signer.key(),
                Envelope.sealBytes(batch.batchId.toString(), tree.size(), batch.root, batch.issuedAt));
        ByteBuffer packed = ByteBuffer.allocate(32 * leaves.size());
        leaves.forEach(packed::put);
        batch.leafHashes = packed.array();
    }

    private DeliveryRow row(IntakeBatch batch, Draft draft, Integer leafIndex, byte[] signature) {
        Target target = draft.target();
        return new DeliveryRow(
                0,
                draft.deliveryId(),
                batch.batchId,
                target.grant().agreementId(),
                batch.resource.code(),
                target.grant().demanderUscc(),
                target.endpoint().id(),
                target.endpoint().kind().name(),
                target.endpoint().address(),
                draft.record().orderKey(),
                draft.record().personRef(),
                draft.record().sourceId(),
                target.grant().serviceItemCode(),
                target.grant().purpose(),
                batch.issuedAt,
                target.schemaFingerprint(),
                leafIndex,
                signature,
                cipher.encrypt(draft.avro()),
                cipher.keyId(),
                batch.signer.keyId(),
                target.status(),
                0,
                batch.now,
                target.pinProblem(),
                batch.now,
                target.status() == DeliveryStatus.AVAILABLE ? batch.now : null,
                draft.record().disputeId());
    }

    /** The outbox, the batch and its seal, and what the ledger records of them — committed with the caller's transaction. */
    public void store(IntakeBatch batch) {
        int queued = store.insertDeliveries(batch.rows);
        int accepted = batch.accepted.size();
        store.insertBatch(new ExchangeStore.BatchRow(
                batch.batchId,
                batch.resource.code(),
                batch.resource.providerUscc(),
                batch.channel,
                batch.mode.name(),
                batch.now,
                batch.incoming.size(),
                accepted,
                batch.quarantine.size(),
                queued,
                batch.treeSize,
                batch.root,
                batch.treeSize == null ? null : batch.issuedAt,
                batch.seal,
                batch.leafHashes));
        events.publishEvent(new ExchangeEvents.RecordsReceived(
                batch.batchId,
                batch.resource.code(),
                batch.resource.providerUscc(),
                batch.channel,
                batch.actor.name(),
                java.util.Arrays.asList(batch.received),
                batch.now));
        publishDeliveries(batch);
        events.publishEvent(new ExchangeEvents.BatchReceived(
                batch.batchId,
                batch.resource.code(),
                batch.resource.providerUscc(),
                batch.channel,
                batch.actor.name(),
                batch.incoming.size(),
                accepted,
                batch.quarantine.size(),
                queued,
                batch.now));
        batch.results.sort(Comparator.comparingInt(RecordResult::index));
        batch.result = new IntakeService.IntakeResult(
                batch.batchId, accepted, batch.quarantine.size(), queued, List.copyOf(batch.results));
    }

    /** Queued deliveries for the ledger; those put in a mailbox are delivered by this very commit. */
    private void publishDeliveries(IntakeBatch batch) {
        if (batch.rows.isEmpty()) {
            return;
        }
        List<ExchangeEvents.Delivery> queued = new ArrayList<>(batch.rows.size());
        Map<String, List<ExchangeEvents.Delivery>> inMailboxes = new LinkedHashMap<>();
        for (int i = 0; i < batch.rows.size(); i++) {
            DeliveryRow row = batch.rows.get(i);
            Draft draft = batch.drafts.get(i);
            ExchangeEvents.Delivery delivery = ExchangeEvents.delivery(
                    row, draft.target().fieldsText(), HexFormat.of().formatHex(draft.leafHash()));
            queued.add(delivery);
            if (row.status() == DeliveryStatus.AVAILABLE) {
                inMailboxes
                        .computeIfAbsent(row.demanderUscc(), k -> new ArrayList<>())
                        .add(delivery);
            }
        }
        events.publishEvent(new ExchangeEvents.DeliveriesQueued(batch.batchId, batch.mode.name(), queued, batch.now));
        inMailboxes.forEach((demander, delivered) -> events.publishEvent(new ExchangeEvents.DeliveriesCompleted(
                EndpointKind.MAILBOX.name(), demander, delivered.size(), delivered, batch.now)));
    }

    /** The person of a record that failed validation, when its ID number at least is valid. */
    private String personRefOf(JsonNode record, String personField) {
        if (personField == null || record == null || !record.isObject()) {
            return null;
        }
        JsonNode id = record.get(personField);
        return id != null && id.isString() && IdNumber.isValid(id.asString()) ? personRefs.of(id.asString()) : null;
    }

    private String orderKey(String personKey) {
        return HexFormat.of().formatHex(Sm3.hmac(orderKeySecret, personKey.getBytes(StandardCharsets.UTF_8)));
    }

    static byte[] avro(Schema schema, GenericRecord record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
