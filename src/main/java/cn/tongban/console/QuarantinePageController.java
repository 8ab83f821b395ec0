package cn.tongban.console;

import cn.tongban.catalog.SupplyList;
import cn.tongban.exchange.Deliveries;
import cn.tongban.exchange.IntakeService;
import cn.tongban.security.Actor;
import cn.tongban.security.CurrentActor;
import cn.tongban.web.ApiException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.Schema;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * 隔离区 for the supplier: its records that failed validation, each with its reasons, and a form
 * to correct one and send it through the intake again — what {@code POST
 * /api/exchange/quarantine/{id}/replay} does. The hub never shows a held record's content (it
 * holds it encrypted for the replay only), so the whole corrected record is typed in; personal
 * fields are not shown back when it is refused again.
 */
@Controller
@RequestMapping("/console/catalog/quarantine")
class QuarantinePageController {

    private final Deliveries deliveries;
    private final SupplyList supplyList;
    private final CatalogPages pages;
    private final JsonMapper json;

    QuarantinePageController(Deliveries deliveries, SupplyList supplyList, CatalogPages pages, JsonMapper json) {
        this.deliveries = deliveries;
        this.supplyList = supplyList;
        this.pages = pages;
        this.json = json;
    }

    @GetMapping
    String list(@RequestParam(required = false) String resource, Model model) {
        Actor actor = CurrentActor.get();
        pages.frame(model, actor, "quarantine", CatalogPages.scope(actor, null));
        String code = CatalogPages.blankToNull(resource);
        model.addAttribute("resource", code);
        model.addAttribute(
                "held",
                deliveries.quarantine(actor, code, "HELD", 200).stream()
                        .map(q -> new QuarantineReasons.Held(q, QuarantineReasons.of(q.reasons())))
                        .toList());
        return "console/catalog-quarantine";
    }

    @GetMapping("/{id}")
    String detail(@PathVariable UUID id, Model model) {
        return detailPage(deliveries.quarantined(CurrentActor.get(), id), Map.of(), Map.of(), model);
    }

    @PostMapping("/{id}/replay")
    String replay(
            @PathVariable UUID id, @RequestParam Map<String, String> params, Model model, RedirectAttributes redirect) {
        Actor actor = CurrentActor.get();
        Deliveries.QuarantineView held = deliveries.quarantined(actor, id);
        Map<String, String> values = CorrectedRecordForm.typedValues(params);
        JsonNode record = CorrectedRecordForm.read(schemaOf(held.resourceCode()), values, json);
        try {
            IntakeService.RecordResult accepted = deliveries.replayQuarantined(actor, id, record);
            redirect.addFlashAttribute("replayed", held.sourceRecordId());
            redirect.addFlashAttribute("replayedStatus", accepted.status().name());
            return "redirect:/console/catalog/quarantine";
        } catch (ApiException e) {
            if (e.problems().isEmpty()) {
                throw e;
            }
            return detailPage(held, besideFields(e, values.keySet()), values, model);
        }
    }

    private String detailPage(
            Deliveries.QuarantineView held, Map<String, String> errors, Map<String, String> typed, Model model) {
        Actor actor = CurrentActor.get();
        pages.frame(model, actor, "quarantine", CatalogPages.scope(actor, null));
        model.addAttribute("q", held);
        model.addAttribute("reasons", QuarantineReasons.of(held.reasons()));
        model.addAttribute("errors", errors);
        model.addAttribute("boxes", boxes(held, typed));
        return "console/catalog-quarantine-record";
    }

    /** Every field of the resource, the ones the intake refused first. */
    private List<CorrectedRecordForm.Box> boxes(Deliveries.QuarantineView held, Map<String, String> typed) {
        return CorrectedRecordForm.boxes(
                supplyList.get(held.resourceCode()).fields(), QuarantineReasons.fields(held.reasons()), typed);
    }

    private Schema schemaOf(String resourceCode) {
        return new Schema.Parser().parse(supplyList.get(resourceCode).avroSchema());
    }

    /** The intake's reasons beside the boxes they name; the rest above the form. */
    private static Map<String, String> besideFields(ApiException refusal, Set<String> boxes) {
        Map<String, String> errors = new LinkedHashMap<>();
        FormProblems.byField(refusal).forEach((field, message) -> {
            String name = field.startsWith("record.") ? field.substring("record.".length()) : field;
            errors.putIfAbsent(boxes.contains(name) ? name : "record", message);
        });
        return errors;
    }
}
