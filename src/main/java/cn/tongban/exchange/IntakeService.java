package cn.tongban.exchange;

import cn.tongban.catalog.AgreementRegistry;
import cn.tongban.catalog.AgreementRegistry.Grant;
import cn.tongban.catalog.Endpoint;
import cn.tongban.catalog.EndpointKind;
import cn.tongban.catalog.ParticipantRegistry;
import cn.tongban.catalog.Resource;
import cn.tongban.catalog.SupplyList;
import cn.tongban.exchange.internal.ExchangeStore;
import cn.tongban.exchange.internal.ExchangeStore.DeliveryRow;
import cn.tongban.exchange.internal.ExchangeStore.QuarantineRow;
import cn.tongban.identifier.IdNumber;
import cn.tongban.schema.SchemaRegistry;
import cn.tongban.security.Actor;
import cn.tongban.signing.CanonicalBytes;
import cn.tongban.signing.DataCipher;
import cn.tongban.signing.HubKeys;
import cn.tongban.signing.MerkleTree;
import cn.tongban.signing.PersonRefs;
import cn.tongban.signing.Sm2Signer;
import cn.tongban.signing.Sm3;
import cn.tongban.web.ApiException;
import cn.tongban.web.ApiException.FieldProblem;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * 数据接收: takes a supplier's batch for one resource and, in one transaction, validates every
 * record (schema and quality rules), quarantines what fails with its reasons, and for every
 * agreement in force projects, masks and signs each good record into the delivery outbox. A
 * record is never dropped: it is either quarantined or queued (or both rejected with the batch).
 */
@Service
public class IntakeService {

    /** How many records one request may carry. */
    public static final int MAX_BATCH = 10_000;

    private final SupplyList supplyList;
    private final AgreementRegistry agreements;
    private final ParticipantRegistry participants;
    private final ExchangeStore store;
    private final HubKeys keys;
    private final DataCipher cipher;
    private final JsonMapper json;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();
    private final Map<String, Projection> projections = new ConcurrentHashMap<>();
    private final Map<String, Schema> pinnedSchemas = new ConcurrentHashMap<>();
    private final SchemaRegistry registry;
    private final PersonRefs personRefs;
    private final byte[] orderKeySecret;

    IntakeService(
            SupplyList supplyList,
            AgreementRegistry agreements,
            ParticipantRegistry participants,
            ExchangeStore store,
            HubKeys keys,
            DataCipher cipher,
            JsonMapper json,
            Clock clock,
            ApplicationEventPublisher events,
            SchemaRegistry registry,
            PersonRefs personRefs) {
        this.registry = registry;
        this.personRefs = personRefs;
        this.supplyList = supplyList;
        this.agreements = agreements;
        this.participants = participants;
        this.store = store;
        this.keys = keys;
        this.cipher = cipher;
        this.json = json;
        this.clock = clock;
        this.events = events;
        this.orderKeySecret =
                Sm3.digest(("tongban-order-key\u0000" + HexFormat.of().formatHex(keys.dataKey()))
                        .getBytes(StandardCharsets.UTF_8));
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

    /** One record's outcome; reasons name fields and rules, never values. */
    public record RecordResult(
            int index, String sourceRecordId, String status, UUID quarantineId, List<FieldProblem> reasons) {}

    /** 逐条签名 or 批量签名 (one SM2 signature over the Merkle root of the batch). */
    public enum SigningMode {
        RECORD,
        BATCH
    }

    @Transactional
    public IntakeResult ingest(
            String resourceCode, List<IncomingRecord> incoming, String channel, SigningMode mode, Actor actor) {
        Resource resource = supplyList.get(resourceCode);
        if (!actor.mayManage(resource.providerUscc())) {
            throw ApiException.forbidden("only the resource's provider supplies its records");
        }
        if (incoming.isEmpty() || incoming.size() > MAX_BATCH) {
            throw ApiException.invalid("records", "size", "a batch carries 1 to " + MAX_BATCH + " records");
        }
        Schema schema = schemas.computeIfAbsent(
                resource.code() + "@" + resource.updatedAt(), k -> new Schema.Parser().parse(resource.avroSchema()));
        String personField = QualityRules.personKeyField(schema);
        List<Target> targets = targets(resource, schema);
        Instant now = clock.instant();
        String issuedAt = now.toString();
        LocalDate today = LocalDate.now(clock);
        UUID batchId = UUID.randomUUID();

        List<RecordResult> results = new ArrayList<>(incoming.size());
        List<QuarantineRow> quarantine = new ArrayList<>();
        List<DeliveryDraft> drafts = new ArrayList<>();
        List<ExchangeEvents.Received> received = new ArrayList<>(incoming.size());
        for (int i = 0; i < incoming.size(); i++) {
            IncomingRecord in = incoming.get(i);
            List<FieldProblem> problems = new ArrayList<>();
            String sourceId = in.sourceRecordId();
            if (sourceId == null || sourceId.isBlank() || sourceId.length() > 128) {
                problems.add(new FieldProblem(
                        "sourceRecordId", "required", "each record needs its source id (1-128 characters)"));
            }
            problems.addAll(in.channelProblems());
            JsonRecords.Read read = in.channelProblems().isEmpty()
                    ? JsonRecords.read(schema, in.record())
                    : new JsonRecords.Read(null, List.of());
            problems.addAll(read.problems());
            if (read.record() != null) {
                problems.addAll(QualityRules.check(read.record(), today));
            }
            if (!problems.isEmpty()) {
                UUID quarantineId = UUID.randomUUID();
                byte[] held = json.writeValueAsBytes(in.record() == null ? json.nullNode() : in.record());
                received.add(new ExchangeEvents.Received(
                        sourceId,
                        personRefOf(in.record(), personField),
                        HexFormat.of().formatHex(Sm3.digest(held)),
                        false,
                        problems.stream().map(p -> p.field() + ":" + p.rule()).toList()));
                quarantine.add(new QuarantineRow(
                        quarantineId,
                        batchId,
                        resource.code(),
                        resource.providerUscc(),
                        sourceId,
                        json.writeValueAsString(problems),
                        cipher.encrypt(held),
                        cipher.keyId(),
                        "HELD",
                        now));
                results.add(new RecordResult(i, sourceId, "QUARANTINED", quarantineId, problems));
                continue;
            }
            GenericRecord record = read.record();
            byte[] sourceAvro = avro(schema, record);
            byte[] sourceDigest = Sm3.digest(sourceAvro);
            Object person = personField == null ? null : record.get(personField);
            String personRef = person == null ? null : personRefs.of(person.toString());
            // A person's records keep their order; a record without a person is its own lane.
            String orderKey = personRef != null ? personRef : orderKey(resource.code() + "\u0000" + sourceId);
            received.add(new ExchangeEvents.Received(
                    sourceId, personRef, HexFormat.of().formatHex(sourceDigest), true, List.of()));
            for (Target target : targets) {
                String deliveryId = HexFormat.of()
                        .formatHex(Sm3.digest(new CanonicalBytes()
                                .text(target.grant().agreementId().toString())
                                .text(target.endpoint().kind().name())
                                .text(target.endpoint().address())
                                .text(resource.code())
                                .text(sourceId)
                                .bytes(sourceDigest)
                                .toByteArray()));
                GenericRecord source = target.converter() == null ? record : convert(target.converter(), sourceAvro);
                byte[] projected =
                        avro(target.projection().schema(), target.projection().apply(source));
                byte[] canonical = Envelope.canonicalBytes(
                        Envelope.VERSION,
                        deliveryId,
                        resource.code(),
                        target.grant().agreementId().toString(),
                        target.grant().demanderUscc(),
                        target.grant().serviceItemCode(),
                        target.grant().purpose(),
                        sourceId,
                        issuedAt,
                        target.schemaFingerprint(),
                        projected);
                drafts.add(new DeliveryDraft(
                        target,
                        orderKey,
                        personRef,
                        sourceId,
                        deliveryId,
                        projected,
                        canonical,
                        MerkleTree.leafHash(canonical)));
            }
            results.add(new RecordResult(i, sourceId, "ACCEPTED", null, List.of()));
        }

        // A re-sent record keeps its idempotency keys: what is already queued is not queued again.
        java.util.Set<String> queuedBefore = store.existingKeys(
                drafts.stream().map(DeliveryDraft::deliveryId).toList());
        if (!queuedBefore.isEmpty()) {
            drafts.removeIf(d -> queuedBefore.contains(d.deliveryId()));
        }
        Integer treeSize = null;
        byte[] root = null;
        byte[] seal = null;
        byte[] leafHashes = null;
        if (!drafts.isEmpty() && mode == SigningMode.BATCH) {
            List<byte[]> leaves = new ArrayList<>(drafts.size());
            for (DeliveryDraft draft : drafts) {
                leaves.add(draft.leafHash());
            }
            MerkleTree tree = MerkleTree.ofLeafHashes(leaves);
            treeSize = tree.size();
            root = tree.root();
            seal = Sm2Signer.sign(
                    keys.signingKey(), Envelope.sealBytes(batchId.toString(), tree.size(), root, issuedAt));
            ByteBuffer packed = ByteBuffer.allocate(32 * leaves.size());
            leaves.forEach(packed::put);
            leafHashes = packed.array();
        }
        List<DeliveryRow> rows = new ArrayList<>(drafts.size());
        for (int i = 0; i < drafts.size(); i++) {
            DeliveryDraft draft = drafts.get(i);
            Target target = draft.target();
            rows.add(new DeliveryRow(
                    0,
                    draft.deliveryId(),
                    batchId,
                    target.grant().agreementId(),
                    resource.code(),
                    target.grant().demanderUscc(),
                    target.endpoint().id(),
                    target.endpoint().kind().name(),
                    target.endpoint().address(),
                    draft.orderKey(),
                    draft.personRef(),
                    draft.sourceId(),
                    target.grant().serviceItemCode(),
                    target.grant().purpose(),
                    issuedAt,
                    target.schemaFingerprint(),
                    mode == SigningMode.BATCH ? i : null,
                    mode == SigningMode.RECORD ? Sm2Signer.sign(keys.signingKey(), draft.canonical()) : null,
                    cipher.encrypt(draft.avro()),
                    cipher.keyId(),
                    target.status(),
                    0,
                    now,
                    target.pinProblem(),
                    now,
                    target.status() == DeliveryStatus.AVAILABLE ? now : null));
        }
        int accepted = (int)
                results.stream().filter(r -> r.status().equals("ACCEPTED")).count();
        int queued = store.insertDeliveries(rows);
        store.insertQuarantine(quarantine);
        store.insertBatch(new ExchangeStore.BatchRow(
                batchId,
                resource.code(),
                resource.providerUscc(),
                channel,
                mode.name(),
                now,
                incoming.size(),
                accepted,
                quarantine.size(),
                queued,
                treeSize,
                root,
                treeSize == null ? null : issuedAt,
                seal,
                leafHashes));
        events.publishEvent(new ExchangeEvents.RecordsReceived(
                batchId, resource.code(), resource.providerUscc(), channel, actor.name(), received, now));
        if (!rows.isEmpty()) {
            List<ExchangeEvents.Delivery> queuedNow = new ArrayList<>(rows.size());
            for (int i = 0; i < rows.size(); i++) {
                DeliveryRow row = rows.get(i);
                DeliveryDraft draft = drafts.get(i);
                queuedNow.add(ExchangeEvents.delivery(
                        row, draft.target().fieldsText(), HexFormat.of().formatHex(draft.leafHash())));
            }
            events.publishEvent(new ExchangeEvents.DeliveriesQueued(batchId, mode.name(), queuedNow, now));
            Map<String, List<ExchangeEvents.Delivery>> inMailboxes = new java.util.LinkedHashMap<>();
            for (int i = 0; i < rows.size(); i++) {
                if (rows.get(i).status() == DeliveryStatus.AVAILABLE) {
                    inMailboxes
                            .computeIfAbsent(rows.get(i).demanderUscc(), k -> new ArrayList<>())
                            .add(queuedNow.get(i));
                }
            }
            inMailboxes.forEach((demander, delivered) -> events.publishEvent(new ExchangeEvents.DeliveriesCompleted(
                    EndpointKind.MAILBOX.name(), demander, delivered.size(), delivered, now)));
        }
        events.publishEvent(new ExchangeEvents.BatchReceived(
                batchId,
                resource.code(),
                resource.providerUscc(),
                channel,
                actor.name(),
                incoming.size(),
                accepted,
                quarantine.size(),
                queued,
                now));
        return new IntakeResult(batchId, accepted, quarantine.size(), queued, results);
    }

    /** Each agreement in force on the resource, at each of its demander's endpoints (the mailbox when it has none). */
    private List<Target> targets(Resource resource, Schema schema) {
        List<Target> targets = new ArrayList<>();
        for (Grant grant : agreements.grantsFor(resource.code())) {
            List<Endpoint> endpoints = participants.endpoints(grant.demanderUscc()).stream()
                    .filter(e -> e.direction() == EndpointKind.Direction.DEMAND)
                    .filter(e -> e.resourceCode() == null || e.resourceCode().equals(resource.code()))
                    .toList();
            if (endpoints.isEmpty()) {
                endpoints = List.of(new Endpoint(
                        null,
                        grant.demanderUscc(),
                        EndpointKind.Direction.DEMAND,
                        EndpointKind.MAILBOX,
                        null,
                        null,
                        null,
                        null));
            }
            for (Endpoint endpoint : endpoints) {
                targets.add(target(resource, schema, grant, endpoint));
            }
        }
        return targets;
    }

    /**
     * Where the demander's endpoint pins an older version of the resource's schema, records are
     * read as that version (Avro schema resolution) before projection. A pin that cannot read the
     * current schema is not guessed around: those deliveries are dead-lettered with the reason,
     * visible and replayable once the demander moves its pin.
     */
    private Target target(Resource resource, Schema schema, Grant grant, Endpoint endpoint) {
        Schema reader = schema;
        GenericDatumReader<GenericRecord> converter = null;
        String pinProblem = null;
        Integer version = endpoint.schemaVersion();
        if (version != null) {
            try {
                Schema pinned = pinnedSchemas.computeIfAbsent(
                        resource.code() + "@" + version,
                        k -> SchemaRegistry.parse(registry.version(
                                        SchemaRegistry.valueSubject(resource.code()), version.toString(), false)
                                .schema()));
                if (SchemaCompatibility.checkReaderWriterCompatibility(pinned, schema)
                                .getType()
                        == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                    reader = pinned;
                    converter = new GenericDatumReader<>(schema, pinned);
                } else {
                    pinProblem = "schema version " + version + " pinned by the endpoint cannot read the current schema";
                }
            } catch (RuntimeException e) {
                pinProblem = "schema version " + version + " pinned by the endpoint is no longer registered";
            }
        }
        Schema projectFrom = reader;
        Projection projection = projections.computeIfAbsent(
                resource.code() + "@" + resource.updatedAt() + "/v" + (converter == null ? "" : version) + "/"
                        + grant.agreementId() + "/" + grant.fields(),
                k -> Projection.of(projectFrom, grant.fields()));
        String schemaText = projection.schema().toString();
        String fingerprint = Sm3.hex(schemaText);
        store.saveSchema(fingerprint, schemaText);
        return new Target(grant, endpoint, projection, schemaText, fingerprint, converter, pinProblem);
    }

    private static GenericRecord convert(GenericDatumReader<GenericRecord> converter, byte[] sourceAvro) {
        try {
            return converter.read(null, DecoderFactory.get().binaryDecoder(sourceAvro, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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

    private record Target(
            Grant grant,
            Endpoint endpoint,
            Projection projection,
            String schemaText,
            String schemaFingerprint,
            GenericDatumReader<GenericRecord> converter,
            String pinProblem) {

        /**
         * Where a new delivery starts: DEAD when the endpoint's pin cannot be served; AVAILABLE for
         * a mailbox — the mailbox is the hub's own store, so the intake's commit delivers it and no
         * dispatcher pass is needed; PENDING for the dispatcher otherwise.
         */
        DeliveryStatus status() {
            if (pinProblem != null) {
                return DeliveryStatus.DEAD;
            }
            return endpoint.kind() == EndpointKind.MAILBOX ? DeliveryStatus.AVAILABLE : DeliveryStatus.PENDING;
        }

        /** The granted fields and their masking, as the ledger records them: "name:NAME,school:NONE". */
        String fieldsText() {
            StringBuilder text = new StringBuilder();
            for (org.apache.avro.Schema.Field field : projection.schema().getFields()) {
                text.append(text.isEmpty() ? "" : ",")
                        .append(field.name())
                        .append(':')
                        .append(grant.fields().get(field.name()));
            }
            return text.toString();
        }
    }

    private record DeliveryDraft(
            Target target,
            String orderKey,
            String personRef,
            String sourceId,
            String deliveryId,
            byte[] avro,
            byte[] canonical,
            byte[] leafHash) {}
}
