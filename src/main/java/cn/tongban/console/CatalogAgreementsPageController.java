package cn.tongban.console;

import cn.tongban.catalog.Agreement;
import cn.tongban.catalog.AgreementRegistry;
import cn.tongban.catalog.Resource;
import cn.tongban.catalog.ResourceField;
import cn.tongban.catalog.SupplyList;
import cn.tongban.security.Actor;
import cn.tongban.security.CurrentActor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.json.JsonMapper;

/**
 * 共享协议 and 供需关系图: one agreement (parties, fields, states, reasons, deadlines) and the graph
 * of who supplies which resource to whom. Both show only the agreements
 * {@link AgreementRegistry} lets the actor see, as GET /api/catalog/agreements does.
 */
@Controller
@RequestMapping("/console/catalog")
class CatalogAgreementsPageController {

    private final AgreementRegistry agreements;
    private final SupplyList supplyList;
    private final CatalogPages pages;
    private final JsonMapper json;

    CatalogAgreementsPageController(
            AgreementRegistry agreements, SupplyList supplyList, CatalogPages pages, JsonMapper json) {
        this.agreements = agreements;
        this.supplyList = supplyList;
        this.pages = pages;
        this.json = json;
    }

    @GetMapping("/agreements/{id}")
    String agreement(@PathVariable UUID id, Model model) {
        Actor actor = CurrentActor.get();
        Agreement agreement = agreements.get(id, actor);
        pages.frame(model, actor, "graph", CatalogPages.scope(actor, null));
        model.addAttribute("agreement", agreement);
        // A peer platform's resource is not in this supply list: its code stands alone.
        Resource resource = published().get(agreement.resourceCode());
        model.addAttribute("resourceName", resource == null ? null : resource.name());
        model.addAttribute("titles", resource == null ? Map.of() : fieldTitles(resource));
        return "console/catalog-agreement";
    }

    @GetMapping("/graph")
    String graph(@RequestParam(required = false) String uscc, Model model) {
        Actor actor = CurrentActor.get();
        String scope = CatalogPages.scope(actor, uscc);
        pages.frame(model, actor, "graph", scope);
        SupplyDemandGraph graph = SupplyDemandGraph.of(visible(scope, actor), pages.names(), resourceNames());
        model.addAttribute("edges", graph.edges());
        // Inside a <script> element: no "<" may end it early.
        String data = json.writeValueAsString(Map.of("nodes", graph.nodes(), "links", graph.links()));
        model.addAttribute("graph", data.replace("<", "\\u003c"));
        return "console/catalog-graph";
    }

    /** The scope's agreements as provider and as demander, or all the actor may see. */
    private List<Agreement> visible(String scope, Actor actor) {
        if (scope == null) {
            return agreements.list(null, null, null, actor);
        }
        Map<UUID, Agreement> found = new LinkedHashMap<>();
        agreements.list(scope, null, null, actor).forEach(a -> found.put(a.id(), a));
        agreements.list(null, scope, null, actor).forEach(a -> found.put(a.id(), a));
        return List.copyOf(found.values());
    }

    private Map<String, Resource> published() {
        Map<String, Resource> byCode = new LinkedHashMap<>();
        supplyList.list(null, null, null).forEach(r -> byCode.put(r.code(), r));
        return byCode;
    }

    private Map<String, String> resourceNames() {
        Map<String, String> names = new LinkedHashMap<>();
        published().forEach((code, r) -> names.put(code, r.name()));
        return names;
    }

    private static Map<String, String> fieldTitles(Resource resource) {
        Map<String, String> titles = new LinkedHashMap<>();
        for (ResourceField f : resource.fields()) {
            titles.put(f.name(), f.title());
        }
        return titles;
    }
}
