package cn.tongban.console;

import cn.tongban.calendar.WorkingDayCalendar;
import cn.tongban.catalog.ParticipantRegistry;
import cn.tongban.catalog.Resource;
import cn.tongban.catalog.SupplyList;
import cn.tongban.disputes.Dispute;
import cn.tongban.disputes.DisputeProblems;
import cn.tongban.disputes.DisputeRefused;
import cn.tongban.disputes.DisputeStatus;
import cn.tongban.disputes.Disputes;
import cn.tongban.exchange.Deliveries;
import cn.tongban.security.Actor;
import cn.tongban.security.CurrentActor;
import cn.tongban.web.ApiException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * 数据异议: the disputes raised by and against the participant, the form to raise one about a
 * delivery received, a dispute's history and the supplier's answers. {@link Disputes} decides who
 * may do what, as for the API; the pages show fields and reasons, never a record's values.
 */
@Controller
@RequestMapping("/console/disputes")
class DisputesPageController {

    /** Mailbox items looked through for the deliveries to dispute: the newest of them are listed. */
    private static final int MAILBOX_SCAN = 200;

    private static final int RECEIVED_SHOWN = 20;

    /** A dispute as listed: both parties by name, working days left to answer (negative: overdue). */
    record Row(Dispute dispute, String supplierName, String demanderName, long workingDaysLeft, boolean overdue) {}

    /** A record received, as the raise form offers it: the delivery id and the fields it carried, no values. */
    record Received(
            String deliveryId, String resourceCode, String sourceRecordId, String issuedAt, List<String> fields) {}

    /** The raise form as typed; nothing in it is a record's value. */
    record OpenForm(String deliveryId, List<String> fields, String reason) {}

    private final Disputes disputes;
    private final Deliveries deliveries;
    private final ParticipantRegistry participants;
    private final SupplyList supplyList;
    private final WorkingDayCalendar calendar;
    private final Clock clock;
    private final FormProblems problems;
    private final JsonMapper json;

    DisputesPageController(
            Disputes disputes,
            Deliveries deliveries,
            ParticipantRegistry participants,
            SupplyList supplyList,
            WorkingDayCalendar calendar,
            Clock clock,
            FormProblems problems,
            JsonMapper json) {
        this.disputes = disputes;
        this.deliveries = deliveries;
        this.participants = participants;
        this.supplyList = supplyList;
        this.calendar = calendar;
        this.clock = clock;
        this.problems = problems;
        this.json = json;
    }

    @GetMapping
    String list(
            @RequestParam(required = false) String role, @RequestParam(required = false) String status, Model model) {
        DisputeStatus wanted = FormProblems.parse(DisputeStatus.class, "status", blankToNull(status));
        Map<String, String> names = new HashMap<>();
        List<Row> rows =
                refusedAsApi(() ->
                                disputes.list(Disputes.Party.of(role), wanted, Disputes.MAX_PAGE, CurrentActor.get()))
                        .stream()
                        .map(d -> row(d, names))
                        .sorted(awaitingFirst())
                        .toList();
        model.addAttribute("rows", rows);
        model.addAttribute("role", role == null ? "" : role);
        model.addAttribute("status", wanted == null ? "" : wanted.name());
        model.addAttribute("statuses", DisputeStatus.values());
        return "console/disputes";
    }

    @GetMapping("/new")
    String raiseForm(@RequestParam(required = false) String deliveryId, Model model) {
        return raisePage(new OpenForm(deliveryId == null ? "" : deliveryId, List.of(), ""), Map.of(), model);
    }

    @PostMapping
    String raise(
            @RequestParam(required = false) String deliveryId,
            @RequestParam(required = false) List<String> fields,
            @RequestParam(required = false) String reason,
            Model model) {
        OpenForm form = new OpenForm(strip(deliveryId), fieldNames(fields), strip(reason));
        Disputes.OpenRequest request = new Disputes.OpenRequest(
                form.deliveryId().isEmpty() ? null : form.deliveryId(), form.fields(), form.reason());
        try {
            problems.check(request);
            Dispute opened = refusedAsApi(() -> disputes.open(request, CurrentActor.get()));
            return "redirect:/console/disputes/" + opened.id();
        } catch (ApiException e) {
            return raisePage(form, besideFields(e, Set.of("deliveryId", "fields", "reason")), model);
        }
    }

    @GetMapping("/{id}")
    String detail(@PathVariable UUID id, Model model) {
        Dispute dispute = refusedAsApi(() -> disputes.get(id, CurrentActor.get()));
        return detailPage(dispute, Map.of(), Map.of(), Map.of(), model);
    }

    /** The corrected field values, made into the whole record the API's correction takes. */
    @PostMapping("/{id}/correct")
    String correct(
            @PathVariable UUID id,
            @RequestParam(required = false) String reason,
            @RequestParam Map<String, String> params,
            Model model) {
        Actor actor = CurrentActor.get();
        Dispute dispute = refusedAsApi(() -> disputes.get(id, actor));
        Map<String, String> values = CorrectedRecordForm.typedValues(params);
        JsonNode record = CorrectedRecordForm.read(schemaOf(dispute), values, json);
        Disputes.CorrectRequest request = new Disputes.CorrectRequest(record, strip(reason));
        try {
            problems.check(request);
            refusedAsApi(() -> disputes.correct(id, request, actor));
            return "redirect:/console/disputes/" + id;
        } catch (ApiException e) {
            Set<String> fields = new HashSet<>(values.keySet());
            fields.add("record");
            fields.add("reason");
            Map<String, String> errors = besideFields(e, fields);
            return detailPage(dispute, errors, Map.of(), values, model);
        }
    }

    @PostMapping("/{id}/reject")
    String reject(@PathVariable UUID id, @RequestParam(required = false) String reason, Model model) {
        Actor actor = CurrentActor.get();
        Disputes.RejectRequest request = new Disputes.RejectRequest(strip(reason));
        try {
            problems.check(request);
            refusedAsApi(() -> disputes.reject(id, request, actor));
            return "redirect:/console/disputes/" + id;
        } catch (ApiException e) {
            Map<String, String> errors = besideFields(e, Set.of("reason", "id"));
            return detailPage(refusedAsApi(() -> disputes.get(id, actor)), Map.of(), errors, Map.of(), model);
        }
    }

    private String raisePage(OpenForm form, Map<String, String> errors, Model model) {
        List<Received> received = received(CurrentActor.get());
        model.addAttribute("form", form);
        model.addAttribute("errors", errors);
        model.addAttribute("received", received);
        model.addAttribute(
                "offered",
                received.stream()
                        .filter(r -> r.deliveryId().equals(form.deliveryId()))
                        .findFirst()
                        .orElse(null));
        return "console/dispute-new";
    }

    private String detailPage(
            Dispute dispute,
            Map<String, String> correctErrors,
            Map<String, String> rejectErrors,
            Map<String, String> typed,
            Model model) {
        Actor actor = CurrentActor.get();
        model.addAttribute("row", row(dispute, new HashMap<>()));
        model.addAttribute("correctErrors", correctErrors);
        model.addAttribute("rejectErrors", rejectErrors);
        // The forms are offered to the supplier's people while the dispute waits; Disputes decides whether they may.
        boolean answerable = dispute.status().awaitsAnswer() && actor.belongsTo(dispute.supplierUscc());
        model.addAttribute("answerable", answerable);
        if (answerable) {
            model.addAttribute("correction", correctionFields(dispute, typed));
        }
        return "console/dispute";
    }

    /** The disputed fields first: they are what the demander says is wrong. */
    private List<CorrectedRecordForm.Box> correctionFields(Dispute dispute, Map<String, String> typed) {
        return CorrectedRecordForm.boxes(
                supplyList.get(dispute.resourceCode()).fields(), new HashSet<>(dispute.fields()), typed);
    }

    /**
     * The newest deliveries waiting in the caller's mailbox, with the fields each carried. Only who may
     * read a mailbox gets any (Deliveries decides); a platform administrator or an approver gets none.
     */
    private List<Received> received(Actor actor) {
        if (actor.participantUscc() == null) {
            return List.of();
        }
        List<Deliveries.MailboxItem> items;
        try {
            items = deliveries.mailbox(actor, 0, MAILBOX_SCAN);
        } catch (ApiException notAMailboxReader) {
            return List.of();
        }
        List<Received> received = new ArrayList<>();
        for (int i = items.size() - 1; i >= 0 && received.size() < RECEIVED_SHOWN; i--) {
            JsonNode envelope = items.get(i).envelope();
            received.add(new Received(
                    envelope.path("deliveryId").asString(),
                    envelope.path("resourceCode").asString(),
                    envelope.path("sourceRecordId").asString(),
                    envelope.path("issuedAt").asString(),
                    List.copyOf(envelope.path("record").propertyNames())));
        }
        return received;
    }

    /** {@code names}: the parties' names looked up so far, so that a long list asks once per participant. */
    private Row row(Dispute d, Map<String, String> names) {
        LocalDate today = LocalDate.now(clock);
        long left = WorkingDaysLeft.until(calendar, today, d.dueOn());
        boolean overdue = d.status() == DisputeStatus.ESCALATED
                || (d.status().awaitsAnswer() && d.dueOn().isBefore(today));
        return new Row(
                d,
                names.computeIfAbsent(d.supplierUscc(), this::name),
                names.computeIfAbsent(d.demanderUscc(), this::name),
                left,
                overdue);
    }

    /** Overdue first, then what still waits by days left, then the answered ones, newest first. */
    private static Comparator<Row> awaitingFirst() {
        return Comparator.comparing((Row r) -> !r.overdue())
                .thenComparing(r -> !r.dispute().status().awaitsAnswer())
                .thenComparing(r -> r.dispute().status().awaitsAnswer() ? r.workingDaysLeft() : 0)
                .thenComparing(r -> r.dispute().openedAt(), Comparator.reverseOrder());
    }

    private String name(String uscc) {
        return participants.exists(uscc) ? participants.get(uscc).name() : uscc;
    }

    private Schema schemaOf(Dispute dispute) {
        Resource resource = supplyList.get(dispute.resourceCode());
        return new Schema.Parser().parse(resource.avroSchema());
    }

    /**
     * A refusal's problems keyed by the form field they are shown beside ({@code fields[1]} beside
     * {@code fields}); a refusal naming none of them (not permitted, no such dispute) is the refusal page.
     */
    private static Map<String, String> besideFields(ApiException refusal, Set<String> formFields) {
        Map<String, String> errors = new LinkedHashMap<>();
        FormProblems.byField(refusal).forEach((field, message) -> {
            String base = field.replaceFirst("\\[\\d+]$", "");
            if (formFields.contains(base)) {
                errors.putIfAbsent(base, message);
            }
        });
        if (errors.isEmpty()) {
            throw refusal;
        }
        return errors;
    }

    /** The module's refusals as the API's: the same status and field problem (DisputeProblems). */
    private static <T> T refusedAsApi(Supplier<T> call) {
        try {
            return call.get();
        } catch (DisputeRefused refused) {
            throw DisputeProblems.of(refused);
        }
    }

    /** Checkbox values and comma- or space-separated names alike. */
    private static List<String> fieldNames(List<String> fields) {
        if (fields == null) {
            return List.of();
        }
        return fields.stream()
                .flatMap(f -> Arrays.stream(f.split("[,，\\s]+")))
                .filter(f -> !f.isBlank())
                .distinct()
                .toList();
    }

    private static String strip(String text) {
        return text == null ? "" : text.strip();
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
