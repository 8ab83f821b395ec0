package cn.tongban.exchange;

import cn.tongban.security.CurrentActor;
import cn.tongban.signing.HubKeys;
import cn.tongban.web.RequestReceived;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** Intake (HTTP push), the demanders' mailbox, dead letters, quarantine and the hub certificate. */
@RestController
@RequestMapping("/api/exchange")
class ExchangeController {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ExchangeController.class);

    private final IntakeService intake;
    private final QueryService queries;
    private final Deliveries deliveries;
    private final ExchangeProperties properties;
    private final HubKeys keys;
    private final QueryTimings timings;
    private final IntakeGate gate;
    private final IntakeTopic topic;

    ExchangeController(
            IntakeService intake,
            QueryService queries,
            Deliveries deliveries,
            ExchangeProperties properties,
            HubKeys keys,
            QueryTimings timings,
            IntakeGate gate,
            IntakeTopic topic) {
        this.gate = gate;
        this.topic = topic;
        this.intake = intake;
        this.queries = queries;
        this.deliveries = deliveries;
        this.properties = properties;
        this.keys = keys;
        this.timings = timings;
    }

    /** A supplier's batch. */
    record IntakeRequest(
            @NotEmpty @Size(max = IntakeService.MAX_BATCH) List<@Valid @NotNull IncomingRecordRequest> records) {}

    /** One record: the supplier's stable id and the record as plain JSON. */
    record IncomingRecordRequest(String sourceRecordId, JsonNode record) {}

    /** Acknowledging mailbox deliveries. */
    record AckRequest(
            @NotEmpty @Size(max = Deliveries.MAX_PAGE) List<@NotNull Long> ids) {}

    /** A corrected record for a quarantined one. */
    record CorrectionRequest(@NotNull JsonNode record) {}

    @PostMapping("/intake/{resource}")
    ResponseEntity<?> push(
            @PathVariable String resource,
            @RequestParam(required = false) IntakeService.SigningMode signing,
            @Valid @RequestBody IntakeRequest request) {
        IntakeGate.Closure closed = gate.closure();
        if (closed != null) {
            return maintenance(closed);
        }
        List<IntakeService.IncomingRecord> records = request.records().stream()
                .map(r -> new IntakeService.IncomingRecord(r.sourceRecordId(), r.record()))
                .toList();
        IntakeService.SigningMode mode = signing == null ? properties.signingMode() : signing;
        if (topic.enabled()) {
            return queue(resource, records, mode);
        }
        IntakeService.IntakeResult result = intake.ingest(resource, records, "HTTP_PUSH", mode, CurrentActor.get());
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(result);
    }

    /** Through the intake topic (ADR 0020): 202 once the batch is in Kafka, with the batches to ask after. */
    private ResponseEntity<?> queue(
            String resource, List<IntakeService.IncomingRecord> records, IntakeService.SigningMode mode) {
        try {
            return ResponseEntity.status(HttpStatus.ACCEPTED)
                    .body(topic.submit(resource, records, "HTTP_PUSH", mode, CurrentActor.get()));
        } catch (IntakeTopic.Unavailable e) {
            log.warn("push answered 503: {}", e.getMessage());
            return unavailable(
                    "urn:tongban:problem:intake-unavailable",
                    "暂时无法接收数据，请稍后重发 (the hub cannot take the batch in now: send it again later)",
                    10);
        }
    }

    /** 批次结果: what became of a batch — at once for an in-process push, once taken in for one through Kafka. */
    @GetMapping("/batches/{id}")
    Deliveries.BatchView batch(@PathVariable UUID id) {
        return deliveries.batch(CurrentActor.get(), id);
    }

    /** 503 while the hub is in maintenance: the supplier keeps its batch and sends it after Retry-After. */
    private static ResponseEntity<ProblemDetail> maintenance(IntakeGate.Closure closed) {
        return unavailable(
                "urn:tongban:problem:maintenance",
                "平台维护中，暂停接收数据，请稍后重发 (the hub is in maintenance: send the batch again later)",
                closed.retryAfter().toSeconds());
    }

    private static ResponseEntity<ProblemDetail> unavailable(String type, String detail, long retryAfterSeconds) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, detail);
        problem.setType(java.net.URI.create(type));
        problem.setTitle("Service Unavailable");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    /**
     * 接口查询: one record by key, under an agreement, projected, masked and signed; the answer's
     * Server-Timing header tells the supplier's time and the hub's own apart.
     */
    @PostMapping("/query/{resource}")
    ResponseEntity<Envelope> query(
            @PathVariable String resource,
            @Valid @RequestBody QueryService.QueryRequest request,
            HttpServletRequest http) {
        QueryService.Answer answer = queries.query(resource, request, CurrentActor.get());
        long total = System.nanoTime() - RequestReceived.nanos(http);
        return ResponseEntity.ok()
                .header("Server-Timing", timings.record(resource, total, answer.supplierNanos(), answer.auditNanos()))
                .body(answer.envelope());
    }

    /**
     * 待取邮箱: deliveries waiting in the caller's mailbox, oldest first, each with its envelope.
     * A work queue: read, acknowledge, read again. {@code after} pages within one reading; it is no
     * cursor to keep between readings, since batches committed at once by concurrent intakes may
     * commit a lower id after a higher one — what is not acknowledged is returned again.
     */
    @GetMapping("/mailbox")
    List<Deliveries.MailboxItem> mailbox(
            @RequestParam(defaultValue = "0") long after, @RequestParam(defaultValue = "100") int limit) {
        return deliveries.mailbox(CurrentActor.get(), after, limit);
    }

    @PostMapping("/mailbox/ack")
    Map<String, Integer> acknowledge(@Valid @RequestBody AckRequest request) {
        return Map.of("acknowledged", deliveries.acknowledge(CurrentActor.get(), request.ids()));
    }

    /** 死信: deliveries that exhausted their retries. */
    @GetMapping("/dead-letters")
    List<Deliveries.DeliveryView> deadLetters(@RequestParam(defaultValue = "100") int limit) {
        return deliveries.deadLetters(CurrentActor.get(), limit);
    }

    @PostMapping("/dead-letters/{id}/replay")
    Deliveries.DeliveryView replay(@PathVariable long id) {
        return deliveries.replay(CurrentActor.get(), id);
    }

    @GetMapping("/deliveries")
    List<Deliveries.DeliveryView> lineage(@RequestParam String resource, @RequestParam String sourceRecordId) {
        return deliveries.lineage(CurrentActor.get(), resource, sourceRecordId);
    }

    @GetMapping("/status")
    Map<String, Long> status() {
        CurrentActor.get();
        return deliveries.counts();
    }

    /** 隔离区: records that failed validation, for their supplier to correct. */
    @GetMapping("/quarantine")
    List<Deliveries.QuarantineView> quarantine(
            @RequestParam(required = false) String resource,
            @RequestParam(defaultValue = "HELD") String status,
            @RequestParam(defaultValue = "100") int limit) {
        return deliveries.quarantine(CurrentActor.get(), resource, status, limit);
    }

    @PostMapping("/quarantine/{id}/replay")
    IntakeService.RecordResult replayQuarantined(@PathVariable UUID id, @Valid @RequestBody CorrectionRequest request) {
        return deliveries.replayQuarantined(CurrentActor.get(), id, request.record());
    }

    /** The header that states the certificate's fingerprint, to compare or pin ({@code verify --trust-fingerprint}). */
    static final String FINGERPRINT_HEADER = "Tongban-Certificate-Fingerprint";

    @GetMapping(value = "/hub-certificate", produces = "application/x-pem-file")
    ResponseEntity<String> certificate() {
        HubKeys.Signer current = keys.current();
        return ResponseEntity.ok()
                .header(FINGERPRINT_HEADER, current.keyId())
                .body(HubKeys.pemOf(current.certificate()));
    }

    /**
     * A published hub certificate: fingerprint = SM3 of the DER encoding, hex (the keyId that
     * envelopes and seals name); PREVIOUS ones were retired by a rotation and still verify what they signed.
     */
    record PublishedCertificate(
            String fingerprint, HubKeys.Status status, String subject, String notBefore, String notAfter, String pem) {}

    @GetMapping("/hub-certificates")
    List<PublishedCertificate> certificates() {
        return keys.published().stream()
                .map(p -> new PublishedCertificate(
                        p.keyId(),
                        p.status(),
                        p.certificate().getSubjectX500Principal().getName(),
                        p.certificate().getNotBefore().toInstant().toString(),
                        p.certificate().getNotAfter().toInstant().toString(),
                        HubKeys.pemOf(p.certificate())))
                .toList();
    }
}
