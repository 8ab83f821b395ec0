package cn.tongban.console;

import cn.tongban.catalog.Agreement;
import cn.tongban.catalog.AgreementRegistry;
import cn.tongban.catalog.Demand;
import cn.tongban.catalog.DemandList;
import cn.tongban.catalog.GapReport;
import cn.tongban.catalog.NegativeList;
import cn.tongban.catalog.Resource;
import cn.tongban.catalog.ResourceCategory;
import cn.tongban.catalog.SupplyList;
import cn.tongban.schema.RegistryException;
import cn.tongban.schema.SchemaRegistry;
import cn.tongban.security.Actor;
import cn.tongban.security.CurrentActor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.apache.avro.Schema;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * 目录 · 三张清单: the supply list (each resource's 信息项 and schema versions), the demand list
 * with each field's agreement state, the negative list and the gap report. Read-only views of
 * what the API's GETs return, through the same services with the logged-in actor.
 */
@Controller
@RequestMapping("/console/catalog")
class CatalogListsPageController {

    /** The supply list's filters as typed. */
    record SupplyFilter(String provider, String category, String q) {}

    /** One registered version of a resource's schema and the fields it has. */
    record SchemaVersion(int version, int schemaId, List<String> fields, boolean current) {}

    /** A demand with what became of it: its agreement (if the actor may see it) or its candidate resources. */
    record DemandRow(Demand demand, Agreement agreement, List<DemandList.Candidate> candidates) {
        public Agreement.FieldState stateOf(String field) {
            if (agreement == null) {
                return null;
            }
            return agreement.fields().stream()
                    .filter(f -> f.name().equals(field))
                    .map(Agreement.Field::state)
                    .findFirst()
                    .orElse(null);
        }
    }

    private final SupplyList supplyList;
    private final DemandList demandList;
    private final AgreementRegistry agreements;
    private final NegativeList negativeList;
    private final GapReport gapReport;
    private final SchemaRegistry schemas;
    private final CatalogPages pages;

    CatalogListsPageController(
            SupplyList supplyList,
            DemandList demandList,
            AgreementRegistry agreements,
            NegativeList negativeList,
            GapReport gapReport,
            SchemaRegistry schemas,
            CatalogPages pages) {
        this.supplyList = supplyList;
        this.demandList = demandList;
        this.agreements = agreements;
        this.negativeList = negativeList;
        this.gapReport = gapReport;
        this.schemas = schemas;
        this.pages = pages;
    }

    @GetMapping("/supply")
    String supply(
            @RequestParam(required = false) String uscc,
            @RequestParam(required = false) String provider,
            @RequestParam(required = false) String category,
            @RequestParam(required = false) String q,
            @RequestParam(defaultValue = "0") int page,
            Model model) {
        Actor actor = CurrentActor.get();
        String scope = CatalogPages.scope(actor, uscc);
        pages.frame(model, actor, "supply", scope);
        model.addAttribute("filter", new SupplyFilter(provider, category, q));
        model.addAttribute("categories", ResourceCategory.values());
        Map<String, String> errors = new LinkedHashMap<>();
        model.addAttribute("errors", errors);
        List<Resource> found = supplyList.list(
                CatalogPages.blankToNull(provider),
                CatalogPages.choice(ResourceCategory.class, "category", category, errors),
                q);
        model.addAttribute("resources", PageSlice.of(ownFirst(found, scope), page));
        return "console/catalog-supply";
    }

    /** One resource's 信息项, update cycle and schema versions: a fragment for htmx, else the whole page. */
    @GetMapping("/supply/{code}")
    String resource(
            @PathVariable String code,
            @RequestParam(required = false) String uscc,
            @RequestHeader(name = "HX-Request", required = false) String htmx,
            Model model) {
        Resource resource = supplyList.get(code);
        model.addAttribute("resource", resource);
        model.addAttribute("versions", versions(resource));
        if (htmx != null) {
            model.addAttribute("names", pages.names());
            return "console/catalog-supply :: resource";
        }
        return supply(uscc, null, null, null, 0, model);
    }

    @GetMapping("/demands")
    String demands(
            @RequestParam(required = false) String uscc,
            @RequestParam(required = false) String status,
            @RequestParam(defaultValue = "0") int page,
            Model model) {
        Actor actor = CurrentActor.get();
        String scope = CatalogPages.scope(actor, uscc);
        pages.frame(model, actor, "demands", scope);
        model.addAttribute("status", status == null ? "" : status);
        model.addAttribute("statuses", Demand.Status.values());
        Map<String, String> errors = new LinkedHashMap<>();
        model.addAttribute("errors", errors);
        Demand.Status chosen = CatalogPages.choice(Demand.Status.class, "status", status, errors);
        List<Demand> found = demandList.list(scope, chosen).stream()
                .sorted(Comparator.comparing(Demand::filedAt).reversed())
                .toList();
        PageSlice<Demand> slice = PageSlice.of(found, page);
        Map<UUID, Agreement> byDemand = agreementsByDemand(scope, actor);
        List<DemandRow> rows = slice.items().stream()
                .map(d -> new DemandRow(d, byDemand.get(d.id()), candidates(d, actor)))
                .toList();
        model.addAttribute("demands", new PageSlice<>(rows, slice.page(), slice.pages(), slice.total()));
        return "console/catalog-demands";
    }

    @GetMapping("/negative-list")
    String negative(
            @RequestParam(required = false) String uscc,
            @RequestParam(required = false) String provider,
            @RequestParam(required = false) String resource,
            @RequestParam(defaultValue = "0") int page,
            Model model) {
        Actor actor = CurrentActor.get();
        pages.frame(model, actor, "negative", CatalogPages.scope(actor, uscc));
        model.addAttribute("provider", provider == null ? "" : provider);
        model.addAttribute("resource", resource == null ? "" : resource);
        model.addAttribute(
                "entries",
                PageSlice.of(
                        negativeList.list(CatalogPages.blankToNull(provider), CatalogPages.blankToNull(resource)),
                        page));
        return "console/catalog-negative";
    }

    @GetMapping("/gap-report")
    String gaps(@RequestParam(required = false) String uscc, Model model) {
        Actor actor = CurrentActor.get();
        pages.frame(model, actor, "gaps", CatalogPages.scope(actor, uscc));
        model.addAttribute("report", gapReport.build());
        return "console/catalog-gaps";
    }

    /** The participant's own resources first, in the supply list's order otherwise. */
    private static List<Resource> ownFirst(List<Resource> resources, String scope) {
        List<Resource> sorted = new ArrayList<>(resources);
        sorted.sort(Comparator.comparing(r -> !Objects.equals(r.providerUscc(), scope)));
        return sorted;
    }

    private Map<UUID, Agreement> agreementsByDemand(String scope, Actor actor) {
        Map<UUID, Agreement> byDemand = new LinkedHashMap<>();
        // The registry shows only agreements the actor is a party to (all for platform administrators).
        for (Agreement a : agreements.list(null, scope, null, actor)) {
            byDemand.put(a.demandId(), a);
        }
        return byDemand;
    }

    /** A free-text need's candidates, as GET /api/catalog/demands/{id}/matches answers. */
    private List<DemandList.Candidate> candidates(Demand demand, Actor actor) {
        boolean need = demand.resourceCode() == null && demand.status() != Demand.Status.WITHDRAWN;
        return need ? demandList.matches(demand.id(), actor) : List.of();
    }

    private List<SchemaVersion> versions(Resource resource) {
        String subject = SchemaRegistry.valueSubject(resource.code());
        List<SchemaVersion> versions = new ArrayList<>();
        try {
            int current = schemas.lookup(subject, resource.avroSchema(), false).version();
            for (int v : schemas.versions(subject, false)) {
                SchemaRegistry.Registered registered = schemas.version(subject, String.valueOf(v), false);
                List<String> fields = SchemaRegistry.parse(registered.schema()).getFields().stream()
                        .map(Schema.Field::name)
                        .toList();
                versions.add(new SchemaVersion(v, registered.id(), fields, v == current));
            }
        } catch (RegistryException e) {
            // Not (yet) registered: the resource's page says so rather than failing.
            return List.of();
        }
        return versions;
    }
}
