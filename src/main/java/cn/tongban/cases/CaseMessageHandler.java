package cn.tongban.cases;

import cn.tongban.federation.InboundMessage;
import cn.tongban.federation.MessageHandler;
import cn.tongban.federation.MessageType;
import cn.tongban.identifier.ValidCode;
import cn.tongban.web.ApiException;
import cn.tongban.web.ApiException.FieldProblem;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * 办件来文: CASE makes the owning side's copy of a forwarded case, CASE_STATUS appends the owning
 * platform's decision on the receiving side. A message id acted on once is acted on no further
 * (CasesIT s07); a message that breaks a rule is refused whole, as the sender's fault.
 */
@Component
class CaseMessageHandler implements MessageHandler {

    private final CaseRegistry registry;
    private final JsonMapper json;
    private final Validator validator;

    CaseMessageHandler(CaseRegistry registry, JsonMapper json, Validator validator) {
        this.registry = registry;
        this.json = json;
        this.validator = validator;
    }

    @Override
    public Set<MessageType> types() {
        return Set.of(MessageType.CASE, MessageType.CASE_STATUS);
    }

    @Override
    @Transactional
    public Optional<byte[]> handle(InboundMessage message) {
        if (!registry.ownProvince().equals(message.receiverProvince())) {
            throw ApiException.invalid("receiverProvince", "own-province", "is not this platform's province");
        }
        switch (message.type()) {
            case CASE -> forwarded(message);
            case CASE_STATUS -> status(message);
            default -> throw ApiException.invalid("type", "case-message", "is not a case message");
        }
        return Optional.empty();
    }

    private void forwarded(InboundMessage message) {
        CaseMessages.Forwarded payload = CaseMessages.read(json, message.payload(), CaseMessages.Forwarded.class);
        checkSerial(payload.serial(), message.senderProvince());
        if (!registry.firstDelivery(message.messageId(), message.type(), payload.serial())) {
            return;
        }
        checkForwarded(payload, message.senderProvince());
        registry.receiveForwarded(payload, message.messageId(), message.senderProvince(), message.digest());
    }

    private void status(InboundMessage message) {
        CaseMessages.StatusChanged payload =
                CaseMessages.read(json, message.payload(), CaseMessages.StatusChanged.class);
        checkSerial(payload.serial(), registry.ownProvince());
        if (!registry.firstDelivery(message.messageId(), message.type(), payload.serial())) {
            return;
        }
        registry.receiveStatus(payload, message.messageId(), message.senderProvince(), message.digest());
    }

    /** A serial starts with the code of the province that received the case. */
    private static void checkSerial(String serial, String receivingProvince) {
        if (!CaseSerials.isWellFormed(serial) || !CaseSerials.province(serial).equals(receivingProvince)) {
            throw ApiException.invalid("serial", "case-serial", "is not a serial of the receiving province");
        }
    }

    private void checkForwarded(CaseMessages.Forwarded payload, String senderProvince) {
        List<FieldProblem> problems = new ArrayList<>();
        if (!senderProvince.equals(payload.receivingProvince())) {
            problems.add(new FieldProblem("receivingProvince", "sender", "must be the sending platform's province"));
        }
        if (payload.forwardedAt() == null
                || payload.forwardedBy() == null
                || payload.forwardedBy().isBlank()) {
            problems.add(new FieldProblem("forwardedAt", "required", "the forwarding step needs its time and author"));
        }
        if (payload.registration() == null) {
            problems.add(new FieldProblem("registration", "required", "is required"));
        } else {
            for (ConstraintViolation<?> v : validator.validate(payload.registration())) {
                problems.add(new FieldProblem("registration." + v.getPropertyPath(), rule(v), v.getMessage()));
            }
        }
        checkTimeline(payload, problems);
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
        CaseRegistry.checkShape(payload.registration());
        if (!registry.ownProvince().equals(payload.registration().owningProvince())) {
            throw ApiException.invalid("registration.owningProvince", "own-province", "is not this province");
        }
    }

    /** The rule's name as the API names it: the identifier's rule, else the constraint's, in kebab case. */
    private static String rule(ConstraintViolation<?> violation) {
        if (violation.getConstraintDescriptor().getAnnotation() instanceof ValidCode code) {
            return code.value().rule();
        }
        String name = violation
                .getConstraintDescriptor()
                .getAnnotation()
                .annotationType()
                .getSimpleName();
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** The steps so far: at the receiving side only, and at most as far as forwarding. */
    private static void checkTimeline(CaseMessages.Forwarded payload, List<FieldProblem> problems) {
        List<CaseStep> timeline = payload.timeline() == null ? List.of() : payload.timeline();
        for (int i = 0; i < timeline.size(); i++) {
            CaseStep step = timeline.get(i);
            if (step == null
                    || step.at() == null
                    || step.status() != CaseStatus.RECEIVED
                    || step.by() == null
                    || !Objects.equals(payload.receivingProvince(), step.province())) {
                problems.add(new FieldProblem(
                        "timeline[" + i + "]", "received-step", "must be a RECEIVED step at the receiving province"));
            }
        }
        if (timeline.isEmpty()) {
            problems.add(new FieldProblem("timeline", "required", "must hold the RECEIVED step"));
        }
    }
}
