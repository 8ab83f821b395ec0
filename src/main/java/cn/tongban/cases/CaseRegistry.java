package cn.tongban.cases;

import cn.tongban.cases.CaseRequests.ApplicantRequest;
import cn.tongban.cases.CaseRequests.Registration;
import cn.tongban.cases.CaseRequests.StatusChange;
import cn.tongban.cases.internal.CaseRepository;
import cn.tongban.cases.internal.CaseRow;
import cn.tongban.catalog.MaskingRule;
import cn.tongban.catalog.ParticipantRegistry;
import cn.tongban.exchange.Masking;
import cn.tongban.federation.MessageType;
import cn.tongban.federation.OutboundMessage;
import cn.tongban.federation.PeerFault;
import cn.tongban.federation.PeerMessaging;
import cn.tongban.identifier.CodeKind;
import cn.tongban.security.Actor;
import cn.tongban.security.Role;
import cn.tongban.signing.DataCipher;
import cn.tongban.signing.PersonRefs;
import cn.tongban.web.ApiException;
import cn.tongban.web.ApiException.FieldProblem;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * 办件登记簿: registers cases at the receiving office, forwards those owned in another province to
 * its platform in the same transaction, and records the owning office's decisions, sending each
 * back to the receiving province. A status moves only as {@link CaseStatus#next()} allows.
 */
@Service
public class CaseRegistry {

    public static final int MAX_LIST = 500;
    static final String PURPOSE = "办件转办";

    private final CaseRepository cases;
    private final ParticipantRegistry participants;
    private final PeerMessaging peers;
    private final PersonRefs personRefs;
    private final DataCipher cipher;
    private final CaseAudit audit;
    private final JsonMapper json;
    private final Clock clock;

    CaseRegistry(
            CaseRepository cases,
            ParticipantRegistry participants,
            PeerMessaging peers,
            PersonRefs personRefs,
            DataCipher cipher,
            CaseAudit audit,
            JsonMapper json,
            Clock clock) {
        this.cases = cases;
        this.participants = participants;
        this.peers = peers;
        this.personRefs = personRefs;
        this.cipher = cipher;
        this.audit = audit;
        this.json = json;
        this.clock = clock;
    }

    /** 收件: the receiving office registers a case; one owned elsewhere is forwarded at once. */
    @Transactional
    public Case register(Registration request, Actor actor) {
        checkRegistration(request, actor);
        Instant now = now();
        String serial = CaseSerials.next(peers.ownProvince(), LocalDate.now(clock));
        CaseRow row = stored(serial, request, peers.ownProvince(), CaseStatus.RECEIVED, now);
        cases.insert(row, request.materials());
        append(row, step(CaseStatus.RECEIVED, now, actor.name(), null), actor.name(), null);
        if (!isLocal(request.owningProvince())) {
            forward(row, request, actor);
        }
        return view(serial);
    }

    /** A case, for its two offices, platform administrators and auditors; hidden from everyone else. */
    @Transactional(readOnly = true)
    public Case get(String serial, Actor actor) {
        readable(find(serial), actor);
        return view(serial);
    }

    /** Cases the caller's participant received or owns (all, for administrators and auditors), newest first. */
    @Transactional(readOnly = true)
    public List<CaseSummary> list(String office, CaseStatus status, int limit, Actor actor) {
        if (limit < 1 || limit > MAX_LIST) {
            throw ApiException.invalid("limit", "range", "must be between 1 and " + MAX_LIST);
        }
        String party = seesAll(actor) ? null : actor.participantUscc();
        if (party == null && !seesAll(actor)) {
            return List.of();
        }
        return cases.list(new CaseRepository.Filter(blank(office), status, party, limit)).stream()
                .map(CaseRegistry::summary)
                .toList();
    }

    /** 受理, 不予受理, 办结: the owning office's decision, sent back when the case came from a peer. */
    @Transactional
    public Case record(String serial, StatusChange change, Actor actor) {
        CaseRow row = readable(cases.lock(serial), actor);
        if (!isLocal(row.owningProvince())) {
            throw ApiException.conflict(
                    "status", "owning-platform", "the owning province's platform records this case's decisions");
        }
        if (!mayDecide(actor, row.owningOffice())) {
            throw ApiException.forbidden("only the owning office records a case's decisions");
        }
        checkDecision(change);
        checkTransition(row.status(), change.status());
        CaseStep step = new CaseStep(
                0,
                now(),
                change.status(),
                actor.name(),
                peers.ownProvince(),
                null,
                change.reason(),
                change.result(),
                change.note());
        if (!isLocal(row.receivingProvince())) {
            step = step.carriedBy(sendBack(row, step));
        }
        cases.updateStatus(serial, step);
        append(row, step, actor.name(), null);
        return view(serial);
    }

    /**
     * The owning side's copy of a forwarded case: its timeline so far and the forwarding step.
     * Called by {@link CaseMessageHandler} inside the transaction that stores the message.
     */
    void receiveForwarded(CaseMessages.Forwarded message, String messageId, String senderProvince, String digest) {
        if (cases.exists(message.serial())) {
            throw ApiException.conflict("serial", "unique", "a case with this serial is already here");
        }
        Registration request = message.registration();
        if (!participants.exists(request.owningOfficeUscc())) {
            throw ApiException.unknownReference("owningOfficeUscc", "participant");
        }
        Instant received = message.timeline().isEmpty()
                ? message.forwardedAt()
                : message.timeline().get(0).at();
        CaseRow row = stored(message.serial(), request, senderProvince, CaseStatus.FORWARDED, received);
        cases.insert(row, request.materials());
        CaseStep forwarded = new CaseStep(
                0,
                message.forwardedAt(),
                CaseStatus.FORWARDED,
                message.forwardedBy(),
                senderProvince,
                messageId,
                null,
                null,
                null);
        List<CaseStep> timeline = new ArrayList<>(message.timeline());
        timeline.add(forwarded);
        for (CaseStep step : timeline) {
            append(row, step, "peer:" + senderProvince, digest);
        }
        cases.updateStatus(row.serial(), forwarded);
    }

    /** The owning platform's decision on a case received here, appended to its timeline. */
    void receiveStatus(CaseMessages.StatusChanged message, String messageId, String senderProvince, String digest) {
        CaseRow row = cases.lock(message.serial()).orElseThrow(() -> ApiException.notFound("case"));
        if (!isLocal(row.receivingProvince()) || !row.owningProvince().equals(senderProvince)) {
            throw ApiException.forbidden("only the owning province's platform sends a case's decisions");
        }
        CaseStep sent = message.step();
        if (sent == null || sent.status() == null || sent.at() == null || blank(sent.by()) == null) {
            throw ApiException.invalid("step", "required", "names the status, when and by whom");
        }
        checkDecision(new StatusChange(sent.status(), sent.reason(), sent.result(), sent.note()));
        checkTransition(row.status(), sent.status());
        CaseStep step = new CaseStep(
                0,
                sent.at(),
                sent.status(),
                sent.by(),
                senderProvince,
                messageId,
                sent.reason(),
                sent.result(),
                sent.note());
        cases.updateStatus(row.serial(), step);
        append(row, step, "peer:" + senderProvince, digest);
    }

    /** Whether this inbound message is new; a repeated one is acted on no further. */
    boolean firstDelivery(String messageId, MessageType type, String serial) {
        return cases.markActedOn(messageId, type.name(), serial, now());
    }

    String ownProvince() {
        return peers.ownProvince();
    }

    private void forward(CaseRow row, Registration request, Actor actor) {
        Instant at = now();
        byte[] payload = CaseMessages.write(
                json,
                new CaseMessages.Forwarded(
                        row.serial(), row.receivingProvince(), request, cases.steps(row.serial()), at, actor.name()));
        String messageId = send(
                "owningProvince",
                new OutboundMessage(
                        row.owningProvince(),
                        MessageType.CASE,
                        row.serial(),
                        null,
                        null,
                        row.serviceItemCode(),
                        PURPOSE,
                        OutboundMessage.JSON,
                        payload));
        CaseStep step = step(CaseStatus.FORWARDED, at, actor.name(), messageId);
        cases.updateStatus(row.serial(), step);
        append(row, step, actor.name(), null);
    }

    private String sendBack(CaseRow row, CaseStep step) {
        if (!peers.knows(row.receivingProvince())) {
            throw noPeer("receivingProvince");
        }
        byte[] payload = CaseMessages.write(json, new CaseMessages.StatusChanged(row.serial(), step));
        return send(
                "receivingProvince",
                new OutboundMessage(
                        row.receivingProvince(),
                        MessageType.CASE_STATUS,
                        row.serial(),
                        null,
                        null,
                        row.serviceItemCode(),
                        PURPOSE,
                        OutboundMessage.JSON,
                        payload));
    }

    /** Queues the message in this transaction; a refusal is the request's (422) or the platform's (503). */
    private String send(String field, OutboundMessage message) {
        try {
            return peers.send(message);
        } catch (PeerFault fault) {
            if (fault.fault() == PeerFault.Fault.SENDER) {
                throw noPeer(field);
            }
            throw new ApiException(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "the peer platform cannot take the message now; try again later",
                    List.of(new FieldProblem(field, "peer-available", "the peer platform is unavailable")));
        }
    }

    private void append(CaseRow row, CaseStep step, String auditActor, String digest) {
        CaseStep numbered = step.numbered(cases.steps(row.serial()).size() + 1);
        cases.append(row.serial(), numbered);
        audit.stepAppended(row, numbered, auditActor, digest);
    }

    private void checkRegistration(Registration request, Actor actor) {
        if (!participants.exists(request.receivingOfficeUscc())) {
            throw ApiException.unknownReference("receivingOfficeUscc", "participant");
        }
        if (!actor.mayExchangeFor(request.receivingOfficeUscc())) {
            throw ApiException.forbidden("a case is registered by the receiving office's own staff or systems");
        }
        checkShape(request);
        if (isLocal(request.owningProvince())) {
            if (!participants.exists(request.owningOfficeUscc())) {
                throw ApiException.unknownReference("owningOfficeUscc", "participant");
            }
        } else if (!peers.knows(request.owningProvince())) {
            throw noPeer("owningProvince");
        }
    }

    /** The rules bean validation cannot state: the applicant's code by its type, a province-level code. */
    static void checkShape(Registration request) {
        List<FieldProblem> problems = new ArrayList<>();
        ApplicantRequest applicant = request.applicant();
        CodeKind kind = applicant.type() == ApplicantType.PERSON ? CodeKind.ID_NUMBER : CodeKind.USCC;
        if (kind.problem(applicant.idNumber()) != null) {
            problems.add(new FieldProblem(
                    "applicant.idNumber",
                    kind.rule(),
                    kind == CodeKind.ID_NUMBER ? "is not a valid citizen ID number" : "is not a valid USCC"));
        }
        if (!request.owningProvince().endsWith("0000")) {
            problems.add(
                    new FieldProblem("owningProvince", "province-level", "must be a province's code, e.g. 440000"));
        }
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
    }

    private static void checkDecision(StatusChange change) {
        if (!change.status().isOwningOfficeDecision()) {
            throw ApiException.invalid("status", "owning-office-decision", "must be ACCEPTED, REJECTED or COMPLETED");
        }
        if (change.status() == CaseStatus.REJECTED && blank(change.reason()) == null) {
            throw ApiException.invalid("reason", "required-when-rejected", "a refusal gives its reason");
        }
        if (change.status() == CaseStatus.COMPLETED && change.result() == null) {
            throw ApiException.invalid("result", "required-when-completed", "a completion names its result");
        }
        if (change.status() != CaseStatus.COMPLETED && change.result() != null) {
            throw ApiException.invalid("result", "only-when-completed", "only a completion has a result");
        }
    }

    private static void checkTransition(CaseStatus from, CaseStatus to) {
        if (!from.mayMoveTo(to)) {
            throw ApiException.conflict(
                    "status", "transition", "a case " + from + " may move only to " + from.next() + ", not " + to);
        }
    }

    private CaseRow readable(Optional<CaseRow> found, Actor actor) {
        CaseRow row = found.orElseThrow(() -> ApiException.notFound("case"));
        boolean party = actor.belongsTo(row.receivingOffice()) || actor.belongsTo(row.owningOffice());
        if (!(party || seesAll(actor))) {
            throw ApiException.notFound("case");
        }
        return row;
    }

    private Optional<CaseRow> find(String serial) {
        return CaseSerials.isWellFormed(serial) ? cases.find(serial) : Optional.empty();
    }

    /** The owning office's administrators and systems; not a platform administrator (谁受理谁负责). */
    private static boolean mayDecide(Actor actor, String owningOffice) {
        return actor.belongsTo(owningOffice) && (actor.has(Role.DEPARTMENT_ADMIN) || actor.has(Role.SYSTEM));
    }

    private static boolean seesAll(Actor actor) {
        return actor.isPlatformAdmin() || actor.has(Role.AUDITOR);
    }

    private boolean isLocal(String province) {
        return peers.ownProvince().equals(province);
    }

    private CaseRow stored(String serial, Registration r, String receivingProvince, CaseStatus status, Instant at) {
        ApplicantRequest applicant = r.applicant();
        boolean person = applicant.type() == ApplicantType.PERSON;
        return new CaseRow(
                serial,
                r.serviceItemCode(),
                r.serviceItemName(),
                r.mode(),
                applicant.type(),
                person ? personRefs.of(applicant.idNumber()) : null,
                cipher.encrypt(utf8(applicant.idNumber().strip().toUpperCase(Locale.ROOT))),
                cipher.encrypt(utf8(applicant.name().strip())),
                cipher.keyId(),
                receivingProvince,
                r.receivingOfficeUscc(),
                r.owningProvince(),
                r.owningOfficeUscc(),
                status,
                null,
                null,
                null,
                at,
                at);
    }

    private CaseStep step(CaseStatus status, Instant at, String by, String messageId) {
        return new CaseStep(0, at, status, by, peers.ownProvince(), messageId, null, null, null);
    }

    private Case view(String serial) {
        CaseRow row = cases.find(serial).orElseThrow();
        return new Case(
                row.serial(),
                row.serviceItemCode(),
                row.serviceItemName(),
                row.mode(),
                applicant(row),
                row.receivingProvince(),
                row.receivingOffice(),
                row.owningProvince(),
                row.owningOffice(),
                row.status(),
                row.rejectReason(),
                row.result(),
                row.result() == null ? null : row.result().code(),
                row.resultNote(),
                cases.materials(serial),
                cases.steps(serial),
                row.createdAt(),
                row.updatedAt());
    }

    /** The applicant as answered: a person masked (6 + 4, surname kept), an organisation as registered. */
    private Case.Applicant applicant(CaseRow row) {
        String id = new String(cipher.decrypt(row.keyId(), row.applicantIdEnc()), StandardCharsets.UTF_8);
        String name = new String(cipher.decrypt(row.keyId(), row.applicantNameEnc()), StandardCharsets.UTF_8);
        if (row.applicantType() == ApplicantType.PERSON) {
            id = (String) Masking.apply(MaskingRule.ID_NUMBER, id);
            name = (String) Masking.apply(MaskingRule.NAME, name);
        }
        return new Case.Applicant(row.applicantType(), id, name);
    }

    private static CaseSummary summary(CaseRow row) {
        return new CaseSummary(
                row.serial(),
                row.serviceItemCode(),
                row.serviceItemName(),
                row.mode(),
                row.receivingProvince(),
                row.receivingOffice(),
                row.owningProvince(),
                row.owningOffice(),
                row.status(),
                row.updatedAt());
    }

    private static ApiException noPeer(String field) {
        return new ApiException(
                HttpStatus.UNPROCESSABLE_CONTENT,
                field + ": no peer platform is registered for this province",
                List.of(new FieldProblem(field, "peer-platform", "no peer platform is registered for this province")));
    }

    private Instant now() {
        // The database keeps microseconds: a step reads back as it was sent to the peer.
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
