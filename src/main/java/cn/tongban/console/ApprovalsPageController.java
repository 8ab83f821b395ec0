package cn.tongban.console;

import cn.tongban.calendar.WorkingDayCalendar;
import cn.tongban.catalog.Agreement;
import cn.tongban.catalog.AgreementRegistry;
import cn.tongban.catalog.AgreementRegistry.DecisionRequest;
import cn.tongban.catalog.AgreementRegistry.FieldDecision;
import cn.tongban.catalog.AgreementRegistry.Outcome;
import cn.tongban.security.Actor;
import cn.tongban.security.CurrentActor;
import cn.tongban.web.ApiException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * 审批: the conditional-sharing requests awaiting the approver's participant, overdue first, each
 * pending field approved or refused on its own. {@link AgreementRegistry#decide} decides who may.
 */
@Controller
@RequestMapping("/console/approvals")
class ApprovalsPageController {

    /** An agreement as the inbox shows it: working days left to the reply's deadline (negative: overdue). */
    record Request(Agreement agreement, long workingDaysLeft) {}

    private final AgreementRegistry agreements;
    private final WorkingDayCalendar calendar;
    private final Clock clock;
    private final FormProblems problems;

    ApprovalsPageController(
            AgreementRegistry agreements, WorkingDayCalendar calendar, Clock clock, FormProblems problems) {
        this.agreements = agreements;
        this.calendar = calendar;
        this.clock = clock;
        this.problems = problems;
    }

    @GetMapping
    String inbox(Model model) {
        LocalDate today = LocalDate.now(clock);
        List<Request> requests = agreements.awaitingApproval(false, CurrentActor.get()).stream()
                .map(a -> new Request(a, workingDaysBetween(today, a.approvalDeadline())))
                .sorted(Comparator.comparing((Request r) -> !r.agreement().approvalOverdue())
                        .thenComparing(Request::workingDaysLeft))
                .toList();
        model.addAttribute("requests", requests);
        model.addAttribute("errors", Map.of());
        return "console/approvals";
    }

    @PostMapping("/{id}/fields/{field}")
    String decide(
            @PathVariable UUID id,
            @PathVariable String field,
            @RequestParam(required = false) String outcome,
            @RequestParam(required = false) String reason,
            @RequestHeader(name = "HX-Request", required = false) String htmx,
            Model model) {
        Actor actor = CurrentActor.get();
        Agreement agreement;
        Map<String, String> errors = Map.of();
        try {
            DecisionRequest request = new DecisionRequest(List.of(new FieldDecision(
                    field,
                    FormProblems.parse(Outcome.class, "decisions[0].outcome", outcome),
                    reason == null || reason.isBlank() ? null : reason.trim(),
                    null)));
            problems.check(request);
            agreement = agreements.decide(id, request, actor);
        } catch (ApiException e) {
            if (e.problems().isEmpty()) {
                throw e;
            }
            agreement = agreements.get(id, actor);
            // The field problems name decisions[0].…; the page keys them by the field decided.
            errors = Map.of(field, FormProblems.byField(e).values().iterator().next());
        }
        if (htmx == null) {
            return "redirect:/console/approvals";
        }
        LocalDate today = LocalDate.now(clock);
        model.addAttribute("item", new Request(agreement, workingDaysBetween(today, agreement.approvalDeadline())));
        model.addAttribute("errors", errors);
        return "console/approval-request :: request";
    }

    private long workingDaysBetween(LocalDate today, LocalDate deadline) {
        return WorkingDaysLeft.until(calendar, today, deadline);
    }
}
