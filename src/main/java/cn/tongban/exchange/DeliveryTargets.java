package cn.tongban.exchange;

import cn.tongban.catalog.AgreementRegistry;
import cn.tongban.catalog.AgreementRegistry.Grant;
import cn.tongban.catalog.Endpoint;
import cn.tongban.catalog.EndpointKind;
import cn.tongban.catalog.ParticipantRegistry;
import cn.tongban.catalog.Resource;
import cn.tongban.exchange.internal.ExchangeStore;
import cn.tongban.schema.SchemaRegistry;
import cn.tongban.signing.Sm3;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.springframework.stereotype.Component;

/**
 * 投递计划: where a resource's records go — each agreement in force, at each of its demander's
 * endpoints (the mailbox when it has none), with the projection to the granted fields and, where
 * the endpoint pins an older schema version, the conversion to it. Projections and pinned
 * schemas are cached: they change only with the catalog.
 */
@Component
class DeliveryTargets {

    private final AgreementRegistry agreements;
    private final ParticipantRegistry participants;
    private final SchemaRegistry registry;
    private final ExchangeStore store;
    private final Map<String, Projection> projections = new ConcurrentHashMap<>();
    private final Map<String, Schema> pinnedSchemas = new ConcurrentHashMap<>();

    DeliveryTargets(
            AgreementRegistry agreements,
            ParticipantRegistry participants,
            SchemaRegistry registry,
            ExchangeStore store) {
        this.agreements = agreements;
        this.participants = participants;
        this.registry = registry;
        this.store = store;
    }

    /** One agreement at one endpoint: what is projected, how it is converted, and where it starts. */
    record Target(
            Grant grant,
            Endpoint endpoint,
            Projection projection,
            String schemaFingerprint,
            GenericDatumReader<GenericRecord> converter,
            String pinProblem) {

        /**
         * Where a new delivery starts: DEAD when the endpoint's pin cannot be served; AVAILABLE for
         * a mailbox — the mailbox is the hub's own store, so the intake's commit delivers it and no
         * route is needed; PENDING for the endpoint's delivery route otherwise.
         */
        DeliveryStatus status() {
            if (pinProblem != null) {
                return DeliveryStatus.DEAD;
            }
            return endpoint.kind() == EndpointKind.MAILBOX ? DeliveryStatus.AVAILABLE : DeliveryStatus.PENDING;
        }

        /** The record as this target reads it: converted to the pinned version when there is one. */
        GenericRecord read(GenericRecord record, byte[] sourceAvro) {
            if (converter == null) {
                return record;
            }
            try {
                return converter.read(null, DecoderFactory.get().binaryDecoder(sourceAvro, null));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The granted fields and their masking, as the ledger records them: "name:NAME,school:NONE". */
        String fieldsText() {
            StringBuilder text = new StringBuilder();
            for (Schema.Field field : projection.schema().getFields()) {
                text.append(text.isEmpty() ? "" : ",")
                        .append(field.name())
                        .append(':')
                        .append(grant.fields().get(field.name()));
            }
            return text.toString();
        }
    }

    List<Target> of(Resource resource, Schema schema) {
        List<Target> targets = new ArrayList<>();
        for (Grant grant : agreements.grantsFor(resource.code())) {
            for (Endpoint endpoint : endpointsOf(grant, resource)) {
                targets.add(target(resource, schema, grant, endpoint));
            }
        }
        return targets;
    }

    private List<Endpoint> endpointsOf(Grant grant, Resource resource) {
        List<Endpoint> endpoints = participants.endpoints(grant.demanderUscc()).stream()
                .filter(e -> e.direction() == EndpointKind.Direction.DEMAND)
                .filter(e -> e.resourceCode() == null || e.resourceCode().equals(resource.code()))
                .toList();
        if (!endpoints.isEmpty()) {
            return endpoints;
        }
        return List.of(new Endpoint(
                null,
                grant.demanderUscc(),
                EndpointKind.Direction.DEMAND,
                EndpointKind.MAILBOX,
                null,
                null,
                null,
                null));
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
                Schema pinned = pinned(resource, version);
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
        return new Target(grant, endpoint, projection, fingerprint, converter, pinProblem);
    }

    private Schema pinned(Resource resource, int version) {
        return pinnedSchemas.computeIfAbsent(
                resource.code() + "@" + version,
                k -> SchemaRegistry.parse(
                        registry.version(SchemaRegistry.valueSubject(resource.code()), Integer.toString(version), false)
                                .schema()));
    }
}
