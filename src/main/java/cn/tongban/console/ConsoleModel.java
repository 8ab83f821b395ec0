package cn.tongban.console;

import cn.tongban.catalog.ParticipantRegistry;
import cn.tongban.security.Actor;
import cn.tongban.security.CurrentActor;
import cn.tongban.security.Role;
import cn.tongban.web.ApiException;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.List;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * What every console page shows around its content: the person, their participant and the menu
 * their roles open. A refusal by a service is shown as a page, not as problem+json.
 */
@ControllerAdvice(basePackageClasses = ConsoleModel.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class ConsoleModel {

    /** One entry of the left menu. */
    record MenuItem(String key, String path) {}

    private final ParticipantRegistry participants;

    ConsoleModel(ParticipantRegistry participants) {
        this.participants = participants;
    }

    @ModelAttribute
    void around(Model model) {
        CurrentActor.find().ifPresent(actor -> {
            model.addAttribute("actor", actor);
            model.addAttribute("participantName", participantName(actor));
            model.addAttribute("menu", menu(actor));
        });
    }

    static List<MenuItem> menu(Actor actor) {
        boolean all = actor.isPlatformAdmin();
        List<MenuItem> menu = new ArrayList<>();
        if (all || actor.has(Role.DEPARTMENT_ADMIN)) {
            menu.add(new MenuItem("menu.catalog", "/console/catalog"));
        }
        if (all || actor.has(Role.APPROVER)) {
            menu.add(new MenuItem("menu.approvals", "/console/approvals"));
        }
        if (all || actor.has(Role.AUDITOR)) {
            menu.add(new MenuItem("menu.audit", "/console/audit"));
        }
        if (all || actor.has(Role.OPERATOR)) {
            menu.add(new MenuItem("menu.ops", "/console/ops"));
        }
        // Disputes: raised and answered by department administrators, read by auditors (Disputes).
        if (all || actor.has(Role.DEPARTMENT_ADMIN) || actor.has(Role.AUDITOR)) {
            menu.add(new MenuItem("console.disputes.menu", "/console/disputes"));
        }
        // The report: all departments for auditors, a department's own line for its admins and approvers.
        if (all || actor.has(Role.AUDITOR) || actor.has(Role.DEPARTMENT_ADMIN) || actor.has(Role.APPROVER)) {
            menu.add(new MenuItem("console.supervision.menu", "/console/supervision"));
        }
        return menu;
    }

    private String participantName(Actor actor) {
        String uscc = actor.participantUscc();
        if (uscc == null || !participants.exists(uscc)) {
            return null;
        }
        return participants.get(uscc).name();
    }

    @ExceptionHandler(ApiException.class)
    String refused(ApiException e, Model model, HttpServletResponse response) {
        response.setStatus(e.status().value());
        around(model);
        model.addAttribute("message", e.getMessage());
        return "console/denied";
    }
}
