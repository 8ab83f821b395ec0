package cn.tongban.console;

import cn.tongban.catalog.Endpoint;
import cn.tongban.catalog.EndpointKind;
import cn.tongban.catalog.Participant;
import cn.tongban.catalog.ParticipantRegistry;
import cn.tongban.catalog.ParticipantRegistry.EndpointRequest;
import cn.tongban.security.Actor;
import cn.tongban.security.CurrentActor;
import cn.tongban.web.ApiException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * 目录: a participant's endpoints and the form that registers one. The registry checks the form
 * as it checks the API's body; its refusals are shown beside the fields they name.
 */
@Controller
@RequestMapping("/console/catalog")
class CatalogPageController {

    /** The form as typed, so that a refused form comes back as it was. */
    record EndpointForm(String direction, String kind, String address, String resourceCode) {
        static EndpointForm empty() {
            return new EndpointForm("DEMAND", "WEBHOOK", "", "");
        }
    }

    private final ParticipantRegistry registry;
    private final FormProblems problems;
    private final CatalogPages pages;

    CatalogPageController(ParticipantRegistry registry, FormProblems problems, CatalogPages pages) {
        this.registry = registry;
        this.problems = problems;
        this.pages = pages;
    }

    @GetMapping
    String page(@RequestParam(required = false) String uscc, Model model) {
        Actor actor = CurrentActor.get();
        String participant = uscc == null || uscc.isBlank() ? actor.participantUscc() : uscc;
        pages.frame(model, actor, "endpoints", participant);
        if (participant == null) {
            // A platform administrator belongs to no participant: choose one first.
            model.addAttribute("participants", registry.list(null));
            return "console/catalog";
        }
        panel(model, participant, EndpointForm.empty(), Map.of(), null);
        return "console/catalog";
    }

    @PostMapping("/endpoints")
    String add(
            @RequestParam String uscc,
            @RequestParam(required = false) String direction,
            @RequestParam(required = false) String kind,
            @RequestParam(required = false) String address,
            @RequestParam(required = false) String resourceCode,
            @RequestHeader(name = "HX-Request", required = false) String htmx,
            Model model) {
        Actor actor = CurrentActor.get();
        pages.frame(model, actor, "endpoints", uscc);
        EndpointForm form = new EndpointForm(direction, kind, address, resourceCode);
        try {
            EndpointRequest request = new EndpointRequest(
                    FormProblems.parse(EndpointKind.Direction.class, "direction", direction),
                    FormProblems.parse(EndpointKind.class, "kind", kind),
                    blankToNull(address),
                    blankToNull(resourceCode),
                    null);
            problems.check(request);
            Endpoint added = registry.addEndpoint(uscc, request, actor);
            panel(model, uscc, EndpointForm.empty(), Map.of(), added);
        } catch (ApiException e) {
            if (e.problems().isEmpty()) {
                throw e;
            }
            panel(model, uscc, form, FormProblems.byField(e), null);
        }
        return htmx != null ? "console/catalog :: panel" : "console/catalog";
    }

    private void panel(Model model, String uscc, EndpointForm form, Map<String, String> errors, Endpoint added) {
        Participant participant = registry.get(uscc);
        List<Endpoint> endpoints = registry.endpoints(uscc);
        model.addAttribute("participant", participant);
        model.addAttribute("endpoints", endpoints);
        model.addAttribute("form", form);
        model.addAttribute("errors", errors);
        model.addAttribute("added", added == null ? null : added.id());
        model.addAttribute("directions", EndpointKind.Direction.values());
        model.addAttribute(
                "kinds",
                Arrays.stream(EndpointKind.values())
                        .filter(k -> k != EndpointKind.PEER_PLATFORM)
                        .toList());
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
