package cn.tongban.exchange;

import cn.tongban.catalog.Agreement;
import cn.tongban.catalog.AgreementRegistry;
import cn.tongban.catalog.Endpoint;
import cn.tongban.catalog.EndpointKind;
import cn.tongban.catalog.ParticipantRegistry;
import cn.tongban.catalog.Resource;
import cn.tongban.catalog.SupplyList;
import cn.tongban.history.ChangeLog;
import cn.tongban.identifier.IdNumber;
import cn.tongban.security.Actor;
import cn.tongban.signing.HubKeys;
import cn.tongban.signing.PersonRefs;
import cn.tongban.signing.Sm2Signer;
import cn.tongban.signing.Sm3;
import cn.tongban.web.ApiException;
import cn.tongban.web.ApiException.FieldProblem;
import jakarta.annotation.PreDestroy;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.event.TransactionalEventListener;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * 接口查询: a demander asks for one record by key under an agreement; the hub checks the agreement
 * and purpose, asks the supplier's query endpoint (with a timeout and a circuit breaker), validates
 * the answer, and returns it projected, masked and signed. The key (often an ID number) is sent to
 * the supplier in a POST body, never in a URL, and never logged.
 */
@Service
public class QueryService {

    private final PersonRefs personRefs;

    /** A projection with its schema text and fingerprint, computed once per agreement and resource version. */
    private record Plan(Projection projection, String schemaText, String fingerprint) {
        Plan(Projection projection) {
            this(
                    projection,
                    projection.schema().toString(),
                    Sm3.hex(projection.schema().toString()));
        }
    }

    private final Map<String, Plan> plans = new java.util.concurrent.ConcurrentHashMap<>();

    static final Duration TARGET_TTL = Duration.ofSeconds(1);

    private record Target(Agreement agreement, Resource resource, Endpoint endpoint, long version, long fetchedAt) {}

    private final Map<UUID, Target> targets = new ConcurrentHashMap<>();
    private final AtomicLong catalogVersion = new AtomicLong();

    static final int BREAKER_THRESHOLD = 5;
    static final Duration BREAKER_OPEN = Duration.ofSeconds(30);

    private final AgreementRegistry agreements;
    private final SupplyList supplyList;
    private final ParticipantRegistry participants;
    private final HubKeys keys;
    private final JsonMapper json;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final Duration timeout;
    private final CloseableHttpClient http;
    private final Map<String, Breaker> breakers = new ConcurrentHashMap<>();
    private final HubRequestSigning signing;
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();
    private final org.springframework.beans.factory.ObjectProvider<PeerQueries> peerQueries;

    QueryService(
            AgreementRegistry agreements,
            SupplyList supplyList,
            ParticipantRegistry participants,
            HubKeys keys,
            JsonMapper json,
            Clock clock,
            ApplicationEventPublisher events,
            ExchangeProperties properties,
            PersonRefs personRefs,
            HubRequestSigning signing,
            org.springframework.beans.factory.ObjectProvider<PeerQueries> peerQueries) {
        this.personRefs = personRefs;
        this.peerQueries = peerQueries;
        this.signing = signing;
        this.agreements = agreements;
        this.supplyList = supplyList;
        this.participants = participants;
        this.keys = keys;
        this.json = json;
        this.clock = clock;
        this.events = events;
        this.timeout = properties.queryTimeout();
        Timeout limit = Timeout.of(timeout);
        this.http = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnPerRoute(64)
                        .setMaxConnTotal(256)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(limit)
                                .setSocketTimeout(limit)
                                .build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(limit)
                        .setResponseTimeout(limit)
                        .build())
                .disableAutomaticRetries()
                .disableCookieManagement()
                // The query carries a person's key to the endpoint the catalog registered, and only
                // there: a redirect would re-send it to an address nobody approved, so it is an
                // invalid answer (502), never followed. No compressed answers asked for either.
                .disableRedirectHandling()
                .disableContentCompression()
                .build();
    }

    /** A query: the key to look up, under which agreement, for which purpose. */
    public record QueryRequest(
            @NotBlank @Size(max = 128) String key,
            @NotNull UUID agreementId,
            @Size(max = 2000) String purpose) {}

    /** Consecutive failures of one supplier endpoint, and until when it is skipped. */
    private static final class Breaker {
        int failures;
        Instant openUntil = Instant.MIN;
    }

    /**
     * A signed answer, how long the supplier took to give the record behind it, and how long the
     * audit record of the answer took to become durable (the answer is not released before).
     */
    public record Answer(Envelope envelope, long supplierNanos, long auditNanos) {}

    public Answer query(String resourceCode, QueryRequest request, Actor actor) {
        if (actor.participantUscc() == null) {
            throw ApiException.forbidden("queries are made by a participant's system or people");
        }
        Target target = target(request.agreementId(), resourceCode, actor);
        Agreement agreement = target.agreement();
        if (agreement.status() != Agreement.Status.ACTIVE) {
            throw ApiException.forbidden("the agreement is " + agreement.status());
        }
        if (request.purpose() != null && !request.purpose().equals(agreement.purpose())) {
            throw ApiException.forbidden("the purpose is not the one the agreement covers");
        }
        AgreementRegistry.Grant grant = AgreementRegistry.grantOf(agreement)
                .orElseThrow(() -> ApiException.forbidden("the agreement grants nothing today"));
        Resource resource = target.resource();
        Endpoint endpoint = target.endpoint();

        String personRef = IdNumber.isValid(request.key()) ? personRefs.of(request.key()) : null;
        Schema schema = schemas.computeIfAbsent(
                resource.code() + "@" + resource.updatedAt(), k -> new Schema.Parser().parse(resource.avroSchema()));
        Plan plan = plans.computeIfAbsent(
                resource.code() + "@" + resource.updatedAt() + "/" + agreement.id() + "/" + grant.fields(),
                k -> new Plan(Projection.of(schema, grant.fields())));
        long asked = System.nanoTime();
        GenericRecord source = endpoint.kind() == EndpointKind.PEER_PLATFORM
                ? peerRecord(endpoint.address(), agreement, request.key(), plan, resourceCode, actor, personRef)
                : supplierRecord(endpoint.address(), schema, resourceCode, request.key(), actor, agreement, personRef);
        long supplierNanos = System.nanoTime() - asked;
        Projection projection = plan.projection();
        GenericRecord projected = projection.apply(source);
        byte[] avro = IntakePipeline.avro(projection.schema(), projected);
        String schemaText = plan.schemaText();
        String issuedAt = clock.instant().toString();
        String deliveryId = UUID.randomUUID().toString();
        String sourceId = "query:"
                + HexFormat.of()
                        .formatHex(
                                Sm3.digest((resourceCode + "\u0000" + request.key()).getBytes(StandardCharsets.UTF_8)),
                                0,
                                16);
        Envelope unsigned = new Envelope(
                Envelope.VERSION,
                deliveryId,
                resourceCode,
                agreement.id().toString(),
                agreement.demanderUscc(),
                agreement.serviceItemCode(),
                agreement.purpose(),
                sourceId,
                null,
                issuedAt,
                plan.fingerprint(),
                schemaText,
                Base64.getEncoder().encodeToString(avro),
                JsonRecords.write(projected),
                null);
        byte[] canonical = unsigned.canonicalBytes();
        HubKeys.Signer signer = keys.current();
        Envelope signed = unsigned.withSignature(new Envelope.Signature(
                "RECORD",
                "SM3withSM2",
                "1234567812345678",
                signer.keyId(),
                Base64.getEncoder().encodeToString(Sm2Signer.sign(signer.key(), canonical)),
                null));
        long auditing = System.nanoTime();
        publish(resourceCode, actor, agreement, personRef, HexFormat.of().formatHex(Sm3.digest(canonical)), "ANSWERED");
        return new Answer(signed, supplierNanos, System.nanoTime() - auditing);
    }

    /** The supplier's answer, validated against the resource's schema and the quality rules. */
    private GenericRecord supplierRecord(
            String address,
            Schema schema,
            String resourceCode,
            String key,
            Actor actor,
            Agreement agreement,
            String personRef) {
        JsonNode answer;
        try {
            answer = ask(address, resourceCode, key);
        } catch (ApiException e) {
            publish(
                    resourceCode,
                    actor,
                    agreement,
                    personRef,
                    null,
                    "FAILED_" + e.status().value());
            throw e;
        }
        JsonRecords.Read read = JsonRecords.read(schema, answer.get("record"));
        List<FieldProblem> problems = new ArrayList<>(read.problems());
        if (read.ok()) {
            problems.addAll(QualityRules.check(read.record(), LocalDate.now(clock)));
        }
        if (!problems.isEmpty()) {
            publish(resourceCode, actor, agreement, personRef, null, "SUPPLIER_INVALID");
            throw new ApiException(
                    HttpStatus.BAD_GATEWAY, "the supplier answered a record that fails validation", problems);
        }
        return read.record();
    }

    /**
     * 跨省查询: the peer platform's signed answer (verified by federation), read as this hub's
     * projection of the agreement — a field not granted here never passes — to be masked and
     * signed here like any answer.
     */
    private GenericRecord peerRecord(
            String province,
            Agreement agreement,
            String key,
            Plan plan,
            String resourceCode,
            Actor actor,
            String personRef) {
        Envelope envelope;
        try {
            envelope = peerQueries.getObject().ask(province, agreement, key);
        } catch (ApiException e) {
            publish(
                    resourceCode,
                    actor,
                    agreement,
                    personRef,
                    null,
                    "FAILED_" + e.status().value());
            throw e;
        }
        try {
            Schema writer = new Schema.Parser().parse(envelope.schema());
            return new GenericDatumReader<GenericRecord>(
                            writer, plan.projection().schema())
                    .read(
                            null,
                            DecoderFactory.get()
                                    .binaryDecoder(Base64.getDecoder().decode(envelope.recordAvro()), null));
        } catch (java.io.IOException | org.apache.avro.AvroRuntimeException e) {
            publish(resourceCode, actor, agreement, personRef, null, "SUPPLIER_INVALID");
            throw new ApiException(
                    HttpStatus.BAD_GATEWAY, "the peer platform's answer does not fit the agreement", List.of());
        }
    }

    /** The demander's own systems and administrators query under its agreements; nobody else (RoleMatrixIT). */
    private static boolean queriesFor(Actor actor, String demanderUscc) {
        return actor.belongsTo(demanderUscc) && actor.mayExchangeFor(demanderUscc);
    }

    /**
     * The agreement, resource and supplier endpoint a query goes to. Queries come hundreds a
     * second under the same few agreements, so they are read from the catalog at most once per
     * {@link #TARGET_TTL} per agreement, and again at once after a catalog change on this hub
     * (another hub's change is seen within the TTL). A cached target serves only its demander;
     * anyone else goes the uncached way and gets the catalog's own answer.
     */
    private Target target(UUID agreementId, String resourceCode, Actor actor) {
        Target cached = targets.get(agreementId);
        long version = catalogVersion.get();
        if (cached != null
                && cached.version() == version
                && cached.fetchedAt() > System.nanoTime() - TARGET_TTL.toNanos()
                && cached.resource().code().equals(resourceCode)
                && queriesFor(actor, cached.agreement().demanderUscc())) {
            return cached;
        }
        Agreement agreement = agreements.get(agreementId, actor);
        if (!queriesFor(actor, agreement.demanderUscc())) {
            throw ApiException.forbidden("only the agreement's demander queries under it");
        }
        if (!agreement.resourceCode().equals(resourceCode)) {
            throw new ApiException(
                    HttpStatus.UNPROCESSABLE_CONTENT,
                    "agreementId: not an agreement on this resource",
                    List.of(new FieldProblem(
                            "agreementId", "agreement-resource", "is not an agreement on this resource")));
        }
        Resource resource = supplyList.get(resourceCode);
        java.util.Optional<String> home = peerQueries.getIfAvailable() == null
                ? java.util.Optional.empty()
                : peerQueries.getObject().homeOf(resourceCode);
        if (home.isPresent()) {
            Endpoint viaPeer = new Endpoint(
                    null,
                    resource.providerUscc(),
                    EndpointKind.Direction.SUPPLY,
                    EndpointKind.PEER_PLATFORM,
                    home.get(),
                    resourceCode,
                    null,
                    null);
            Target target = new Target(agreement, resource, viaPeer, version, System.nanoTime());
            targets.put(agreementId, target);
            return target;
        }
        Endpoint endpoint = participants.endpoints(resource.providerUscc()).stream()
                .filter(e -> e.kind() == EndpointKind.HTTP_QUERY)
                .filter(e -> e.resourceCode() == null || e.resourceCode().equals(resourceCode))
                .findFirst()
                .orElseThrow(() -> new ApiException(
                        HttpStatus.SERVICE_UNAVAILABLE, "the provider has no query endpoint", List.of()));
        Target target = new Target(agreement, resource, endpoint, version, System.nanoTime());
        targets.put(agreementId, target);
        return target;
    }

    /** Any catalog change (agreement, resource, endpoint, participant) makes the cached targets stale. */
    @TransactionalEventListener(fallbackExecution = true)
    void catalogChanged(ChangeLog.ChangeRecorded change) {
        catalogVersion.incrementAndGet();
    }

    private JsonNode ask(String url, String resourceCode, String key) {
        Breaker breaker = breakers.computeIfAbsent(url, u -> new Breaker());
        synchronized (breaker) {
            if (clock.instant().isBefore(breaker.openUntil)) {
                throw new ApiException(
                        HttpStatus.SERVICE_UNAVAILABLE, "the supplier is unavailable (circuit open)", List.of());
            }
        }
        byte[] body = json.writeValueAsBytes(Map.of("resourceCode", resourceCode, "key", key));
        HttpPost post = new HttpPost(url);
        post.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
        signing.headers("POST", java.net.URI.create(url), body).forEach(post::setHeader);
        try {
            SupplierAnswer response = http.execute(
                    post,
                    r -> new SupplierAnswer(
                            r.getCode(), r.getEntity() == null ? null : EntityUtils.toByteArray(r.getEntity())));
            if (response.status() == 404) {
                succeeded(breaker);
                throw ApiException.notFound("record for this key");
            }
            if (response.status() / 100 != 2 || response.body() == null) {
                failed(breaker);
                throw new ApiException(HttpStatus.BAD_GATEWAY, "the supplier answered " + response.status(), List.of());
            }
            succeeded(breaker);
            return json.readTree(response.body());
        } catch (InterruptedIOException e) {
            // connect, read or pool-wait timeout
            failed(breaker);
            throw new ApiException(HttpStatus.GATEWAY_TIMEOUT, "the supplier did not answer in time", List.of());
        } catch (IOException | tools.jackson.core.JacksonException e) {
            failed(breaker);
            throw new ApiException(
                    HttpStatus.BAD_GATEWAY, "the supplier is unreachable or answered no JSON", List.of());
        }
    }

    private record SupplierAnswer(int status, byte[] body) {}

    @PreDestroy
    void close() {
        http.close(CloseMode.GRACEFUL);
    }

    private static void succeeded(Breaker breaker) {
        synchronized (breaker) {
            breaker.failures = 0;
        }
    }

    private void failed(Breaker breaker) {
        synchronized (breaker) {
            breaker.failures++;
            if (breaker.failures >= BREAKER_THRESHOLD) {
                breaker.openUntil = clock.instant().plus(BREAKER_OPEN);
                breaker.failures = 0;
            }
        }
    }

    private void publish(
            String resourceCode, Actor actor, Agreement agreement, String personRef, String digest, String outcome) {
        events.publishEvent(new ExchangeEvents.QueryAnswered(
                resourceCode,
                agreement.demanderUscc(),
                agreement.id(),
                agreement.serviceItemCode(),
                agreement.purpose(),
                personRef,
                digest,
                actor.name(),
                outcome,
                clock.instant()));
    }
}
