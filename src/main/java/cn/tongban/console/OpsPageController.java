package cn.tongban.console;

import cn.tongban.exchange.Deliveries;
import cn.tongban.federation.PeerMonitor;
import cn.tongban.ops.EndpointProbe;
import cn.tongban.ops.Operations;
import cn.tongban.ops.RouteHistory;
import cn.tongban.ops.RouteOverview.RouteView;
import cn.tongban.security.Actor;
import cn.tongban.security.CurrentActor;
import cn.tongban.web.ApiException;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.actuate.endpoint.CompositeHealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.json.JsonMapper;

/**
 * 运维: the hub's health as the actuator shows it to operators, with a banner for each part that
 * is not UP and the routes' charts over the last hours; the routes with suspend, resume and
 * connection test, each with its own charts; dead letters with replay and the quarantine's
 * reasons; the peer platforms. Every page goes through {@link Operations}, {@link RouteHistory},
 * {@link Deliveries} or {@link PeerMonitor}, as the API's do, so it is checked and recorded the
 * same way. No record content is shown.
 */
@Controller
@RequestMapping("/console/ops")
class OpsPageController {

    /** One component's light: its name, status and what it says about itself. */
    record Light(String name, String status, Map<String, Object> details, Map<String, Object> shown) {}

    /** A banner: which component, how it stands, and the part of it concerned (a route, a key). */
    record Alert(String component, String status, String subject, String detail) {}

    /** The windows offered above the charts, in hours. */
    static final List<Integer> WINDOWS = List.of(1, 6, 24);

    /** How many of the latest buckets the table beside the charts lists. */
    static final int LATEST = 6;

    // The hub's zone, with its offset: the charts beside the table draw in the browser's own zone.
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("MM-dd HH:mm:ss xxx");

    private final Operations operations;
    private final RouteHistory history;
    private final Deliveries deliveries;
    private final PeerMonitor peers;
    private final ObjectProvider<HealthEndpoint> health;
    private final FormProblems problems;
    private final JsonMapper json;
    private final Clock clock;

    OpsPageController(
            Operations operations,
            RouteHistory history,
            Deliveries deliveries,
            PeerMonitor peers,
            ObjectProvider<HealthEndpoint> health,
            FormProblems problems,
            JsonMapper json,
            Clock clock) {
        this.operations = operations;
        this.history = history;
        this.deliveries = deliveries;
        this.peers = peers;
        this.health = health;
        this.problems = problems;
        this.json = json;
        this.clock = clock;
    }

    @GetMapping
    String dashboard(@RequestParam(required = false) String hours, Model model) {
        Actor actor = CurrentActor.get();
        charts(history.history(actor, null, hours), model);
        List<RouteView> routes = operations.routes(actor);
        List<Light> lights = new ArrayList<>();
        HealthEndpoint endpoint = health.getIfAvailable();
        String overall = "UNKNOWN";
        if (endpoint != null) {
            HealthDescriptor hub = endpoint.health();
            overall = hub.getStatus().getCode();
            if (hub instanceof CompositeHealthDescriptor composite) {
                composite.getComponents().forEach((name, part) -> lights.add(light(name, part)));
            }
        }
        model.addAttribute("overall", overall);
        model.addAttribute("lights", lights);
        model.addAttribute("alerts", alerts(lights));
        model.addAttribute("routeCount", routes.size());
        model.addAttribute(
                "routesDown",
                routes.stream().filter(r -> "DOWN".equals(r.health())).count());
        model.addAttribute(
                "routesSuspended",
                routes.stream().filter(r -> "SUSPENDED".equals(r.health())).count());
        model.addAttribute("tab", "dashboard");
        return "console/ops";
    }

    /** One route: what the routes table shows of it, and its own charts. */
    @GetMapping("/routes/{id}")
    String route(@PathVariable String id, @RequestParam(required = false) String hours, Model model) {
        Actor actor = CurrentActor.get();
        model.addAttribute("r", operations.route(id, actor));
        charts(history.history(actor, id, hours), model);
        model.addAttribute("tab", "routes");
        return "console/ops-route-detail";
    }

    /** 对端平台: the same view of each peer as GET /api/federation/peers. */
    @GetMapping("/peers")
    String peers(Model model) {
        model.addAttribute("peers", peers.views(CurrentActor.get()));
        model.addAttribute("tab", "peers");
        return "console/ops-peers";
    }

    /** One line of the latest-buckets table: the bucket's start in the hub's time zone, and its figures. */
    record Latest(String at, RouteHistory.Point point) {}

    /** The history for the charts (as JSON in the page) and the latest buckets for the table, newest first. */
    private void charts(RouteHistory.History h, Model model) {
        List<Latest> latest = new ArrayList<>();
        for (int i = h.points().size() - 1; i >= 0 && latest.size() < LATEST; i--) {
            RouteHistory.Point p = h.points().get(i);
            latest.add(new Latest(TIME.withZone(clock.getZone()).format(p.at()), p));
        }
        model.addAttribute("history", h);
        model.addAttribute("latest", latest);
        model.addAttribute("windows", WINDOWS);
        // Inside a <script> element: no "<" may end it early.
        model.addAttribute("historyJson", json.writeValueAsString(h).replace("<", "\\u003c"));
    }

    @GetMapping("/routes")
    String routes(Model model) {
        model.addAttribute("routes", operations.routes(CurrentActor.get()));
        model.addAttribute("errors", Map.of());
        model.addAttribute("tab", "routes");
        return "console/ops-routes";
    }

    @PostMapping("/routes/{id}/{action:suspend|resume}")
    String control(
            @PathVariable String id,
            @PathVariable String action,
            @RequestParam(required = false) String reason,
            @RequestHeader(name = "HX-Request", required = false) String htmx,
            Model model)
            throws Exception {
        Actor actor = CurrentActor.get();
        Map<String, String> errors = Map.of();
        RouteView route;
        try {
            Operations.Reason request = new Operations.Reason(reason == null ? null : reason.trim());
            problems.check(request);
            route = action.equals("suspend")
                    ? operations.suspend(id, request.reason(), actor)
                    : operations.resume(id, request.reason(), actor);
        } catch (ApiException e) {
            if (e.problems().isEmpty()) {
                throw e;
            }
            route = operations.route(id, actor);
            errors = FormProblems.byField(e);
        }
        if (htmx == null) {
            return "redirect:/console/ops/routes";
        }
        model.addAttribute("r", route);
        model.addAttribute("errors", errors);
        model.addAttribute("reason", errors.isEmpty() ? "" : reason);
        return "console/ops-route :: route";
    }

    @PostMapping("/routes/{id}/test")
    String test(
            @PathVariable String id, @RequestHeader(name = "HX-Request", required = false) String htmx, Model model) {
        Actor actor = CurrentActor.get();
        RouteView route = operations.route(id, actor);
        if (route.endpointId() == null) {
            throw ApiException.notFound("endpoint");
        }
        EndpointProbe.Result result = operations.test(UUID.fromString(route.endpointId()), actor);
        if (htmx == null) {
            return "redirect:/console/ops/routes";
        }
        model.addAttribute("r", route);
        model.addAttribute("errors", Map.of());
        model.addAttribute("tested", result);
        return "console/ops-route :: route";
    }

    @GetMapping("/dead-letters")
    String deadLetters(Model model) {
        Actor actor = CurrentActor.get();
        model.addAttribute("deadLetters", deliveries.deadLetters(actor, 100));
        model.addAttribute(
                "held",
                deliveries.quarantine(actor, null, "HELD", 100).stream()
                        .map(q -> new QuarantineReasons.Held(q, QuarantineReasons.of(q.reasons())))
                        .toList());
        model.addAttribute("tab", "dead-letters");
        return "console/ops-dead-letters";
    }

    @PostMapping("/dead-letters/{id}/replay")
    String replay(
            @PathVariable long id, @RequestHeader(name = "HX-Request", required = false) String htmx, Model model) {
        Deliveries.DeliveryView replayed = deliveries.replay(CurrentActor.get(), id);
        if (htmx == null) {
            return "redirect:/console/ops/dead-letters";
        }
        model.addAttribute("d", replayed);
        model.addAttribute("replayed", true);
        return "console/ops-dead-letter :: dead";
    }

    private static Light light(String name, HealthDescriptor part) {
        Map<String, Object> details = new LinkedHashMap<>();
        if (part instanceof IndicatedHealthDescriptor indicated && indicated.getDetails() != null) {
            details.putAll(indicated.getDetails());
        } else if (part instanceof CompositeHealthDescriptor composite && composite.getComponents() != null) {
            composite
                    .getComponents()
                    .forEach((n, p) -> details.put(n, p.getStatus().getCode()));
        }
        return new Light(name, part.getStatus().getCode(), details, shown(details));
    }

    /**
     * The details worth a glance: Camel's {@code .data} entries dropped and, where a component
     * lists many parts (routes, consumers, peers), only those not UP, with how many are.
     */
    private static Map<String, Object> shown(Map<String, Object> details) {
        Map<String, Object> shown = new LinkedHashMap<>();
        int up = 0;
        for (Map.Entry<String, Object> d : details.entrySet()) {
            if (d.getKey().endsWith(".data")) {
                continue;
            }
            Object value = d.getValue() instanceof Map<?, ?> m ? m.get("status") : d.getValue();
            String text = String.valueOf(value);
            if ((d.getValue() instanceof Map<?, ?> || d.getKey().contains(":"))
                    && (text.equals("UP") || text.equals("CONNECTED"))) {
                up++;
                continue;
            }
            shown.put(d.getKey(), value);
        }
        if (up > 0) {
            shown.put("UP", up);
        }
        return shown;
    }

    /** A banner for each component not UP; for the delivery routes, one per route that is DOWN. */
    static List<Alert> alerts(List<Light> lights) {
        List<Alert> alerts = new ArrayList<>();
        for (Light light : lights) {
            if (light.status().equals("UP")) {
                continue;
            }
            if (light.name().equals("deliveryRoutes")) {
                light.details().forEach((route, value) -> {
                    if (value instanceof Map<?, ?> r && "DOWN".equals(String.valueOf(r.get("status")))) {
                        alerts.add(new Alert(light.name(), "DOWN", route, String.valueOf(r.get("description"))));
                    }
                });
                if (!alerts.isEmpty()) {
                    continue;
                }
            }
            alerts.add(new Alert(light.name(), light.status(), null, summary(light)));
        }
        return alerts;
    }

    /** What a banner says beside the component: the few details that tell why. */
    private static String summary(Light light) {
        Map<String, Object> d = light.details();
        return switch (light.name()) {
            case "signingKey" -> d.get("notAfter") + " (" + d.get("daysLeft") + ")";
            case "ledgerSealer" -> String.valueOf(d.get("unsealedEvents"));
            default -> {
                List<String> parts = new ArrayList<>();
                d.forEach((k, v) -> {
                    if (!(v instanceof Map<?, ?>) && parts.size() < 4) {
                        parts.add(k + "=" + v);
                    } else if (v instanceof Map<?, ?> m
                            && m.get("status") != null
                            && !"UP".equals(m.get("status").toString())
                            && !"CONNECTED".equals(m.get("status").toString())) {
                        parts.add(k + "=" + m.get("status"));
                    }
                });
                yield String.join(", ", parts);
            }
        };
    }
}
