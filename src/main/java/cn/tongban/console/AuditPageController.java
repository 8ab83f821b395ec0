package cn.tongban.console;

import cn.tongban.ledger.AuditTrail;
import cn.tongban.ledger.BundleFormat.EventLine;
import cn.tongban.ledger.Ledger;
import cn.tongban.security.Actor;
import cn.tongban.security.CurrentActor;
import cn.tongban.web.ApiException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.databind.json.JsonMapper;

/**
 * 审计: the ledger searched with the API's filters, one event's detail, a record's lineage as a
 * table and a graph, the chain check and the evidence bundle. Every answer comes from
 * {@link AuditTrail}, as the API's do; the ID number searched for is hashed there and never shown back.
 */
@Controller
@RequestMapping("/console/audit")
class AuditPageController {

    /** The search form as typed, less the ID number, which is never sent back to the browser. */
    record SearchForm(String type, String resource, String participant, String from, String to) {
        static SearchForm empty() {
            return new SearchForm("", "", "", "", "");
        }
    }

    private final AuditTrail trail;
    private final JsonMapper json;

    AuditPageController(AuditTrail trail, JsonMapper json) {
        this.trail = trail;
        this.json = json;
    }

    @GetMapping
    String page(Model model) {
        model.addAttribute("form", SearchForm.empty());
        model.addAttribute("errors", Map.of());
        model.addAttribute("bundleErrors", Map.of());
        return "console/audit";
    }

    /** A search: POST, so that an ID number never lands in a URL or an access log. */
    @PostMapping("/events")
    String search(
            @RequestParam(required = false) String type,
            @RequestParam(required = false) String resource,
            @RequestParam(required = false) String participant,
            @RequestParam(required = false) String idNumber,
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to,
            @RequestParam(defaultValue = "0") String page,
            @RequestHeader(name = "HX-Request", required = false) String htmx,
            Model model) {
        Map<String, String> params = params(type, resource, participant, idNumber, from, to);
        params.put("page", page);
        params.put("size", "20");
        model.addAttribute("form", new SearchForm(type, resource, participant, from, to));
        model.addAttribute("bundleErrors", Map.of());
        model.addAttribute("byPerson", params.containsKey("idNumber"));
        model.addAttribute("oob", htmx != null);
        try {
            AuditTrail.Page found = trail.search(CurrentActor.get(), params);
            model.addAttribute("events", found.items());
            model.addAttribute("page", found.page());
            model.addAttribute("hasMore", found.hasMore());
            model.addAttribute("errors", Map.of());
        } catch (ApiException e) {
            if (e.problems().isEmpty()) {
                throw e;
            }
            model.addAttribute("errors", FormProblems.byField(e));
        }
        return htmx != null ? "console/audit :: search" : "console/audit";
    }

    @GetMapping("/events/{seq}")
    String event(@PathVariable long seq, Model model) {
        model.addAttribute("event", trail.event(CurrentActor.get(), seq));
        return "console/audit :: detail";
    }

    @GetMapping("/lineage")
    String lineage(
            @RequestParam(required = false) String resource,
            @RequestParam(required = false) String sourceRecordId,
            Model model) {
        model.addAttribute("resource", resource == null ? "" : resource);
        model.addAttribute("sourceRecordId", sourceRecordId == null ? "" : sourceRecordId);
        model.addAttribute("errors", Map.of());
        if (resource == null && sourceRecordId == null) {
            return "console/audit-lineage";
        }
        try {
            List<EventLine> events = trail.lineage(CurrentActor.get(), resource, sourceRecordId);
            model.addAttribute("events", events);
            // Inside a <script> element: no "<" may end it early.
            model.addAttribute(
                    "graph",
                    json.writeValueAsString(LineageGraph.of(events, json)).replace("<", "\\u003c"));
        } catch (ApiException e) {
            if (e.problems().isEmpty()) {
                throw e;
            }
            model.addAttribute("errors", FormProblems.byField(e));
        }
        return "console/audit-lineage";
    }

    /** The same check as GET /api/audit/verify. */
    @PostMapping("/verify")
    String verify(@RequestParam(defaultValue = "1") String fromSeq, Model model) {
        long from;
        try {
            from = Long.parseLong(fromSeq.strip());
        } catch (NumberFormatException e) {
            from = 0;
        }
        if (from < 1) {
            model.addAttribute("verifyError", "must be a whole number from 1");
            return "console/audit :: verify";
        }
        Ledger.ChainCheck check = trail.verify(CurrentActor.get(), from);
        model.addAttribute("check", check);
        model.addAttribute("fromSeq", from);
        return "console/audit :: verify";
    }

    /** The same evidence bundle as GET /api/audit/bundle, for a resource or a person. */
    @PostMapping("/bundle")
    Object bundle(
            @RequestParam(required = false) String resource,
            @RequestParam(required = false) String idNumber,
            Model model) {
        Actor actor = CurrentActor.get();
        Map<String, String> params = params(null, resource, null, idNumber, null, null);
        try {
            if (params.isEmpty()) {
                throw ApiException.invalid("resource", "required", "name a resource or a person's ID number");
            }
            trail.check(params); // refuse a bad query before the download starts
        } catch (ApiException e) {
            if (e.problems().isEmpty()) {
                throw e;
            }
            model.addAttribute("form", SearchForm.empty());
            model.addAttribute("errors", Map.of());
            model.addAttribute("bundleResource", resource);
            model.addAttribute("bundleErrors", FormProblems.byField(e));
            return "console/audit";
        }
        StreamingResponseBody body = out -> trail.bundle(actor, params, out);
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType("application/zip"))
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"tongban-evidence.zip\"")
                .body(body);
    }

    private static Map<String, String> params(
            String type, String resource, String participant, String idNumber, String from, String to) {
        Map<String, String> params = new LinkedHashMap<>();
        put(params, "type", type);
        put(params, "resource", resource);
        put(params, "participant", participant);
        put(params, "idNumber", idNumber);
        put(params, "from", from);
        put(params, "to", to);
        return params;
    }

    private static void put(Map<String, String> params, String name, String value) {
        if (value != null && !value.isBlank()) {
            params.put(name, value.strip());
        }
    }
}
