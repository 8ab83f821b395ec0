package cn.tongban.console;

import cn.tongban.catalog.Agreement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * 供需关系图: who supplies which resource to whom, as an ECharts graph in three columns —
 * suppliers, resources, demanders. One link from a supplier to each of its resources, and one
 * from a resource to the demander of each agreement, carrying the agreement's id and status.
 */
record SupplyDemandGraph(List<Node> nodes, List<Link> links, List<Edge> edges) {

    record Node(String id, String name, String kind, int x, int y) {}

    record Link(String source, String target, String agreement, String status) {}

    /** One agreement as a row of the table under the chart. */
    record Edge(Agreement agreement, String supplier, String resource, String demander) {}

    private static final int COLUMN = 320;
    private static final int ROW = 70;

    static SupplyDemandGraph of(
            List<Agreement> agreements, Map<String, String> participantNames, Map<String, String> resourceNames) {
        Map<String, Node> suppliers = new LinkedHashMap<>();
        Map<String, Node> resources = new LinkedHashMap<>();
        Map<String, Node> demanders = new LinkedHashMap<>();
        List<Link> links = new ArrayList<>();
        List<Edge> edges = new ArrayList<>();
        for (Agreement a : agreements) {
            String supplier = name(participantNames, a.providerUscc());
            String resource = resourceNames.getOrDefault(a.resourceCode(), "") + " " + a.resourceCode();
            String demander = name(participantNames, a.demanderUscc());
            Node s = node(suppliers, "s:" + a.providerUscc(), supplier, "supplier", 0);
            Node r = node(resources, "r:" + a.resourceCode(), resource.strip(), "resource", 1);
            Node d = node(demanders, "d:" + a.demanderUscc(), demander, "demander", 2);
            Link supplies = new Link(s.id(), r.id(), null, null);
            if (!links.contains(supplies)) {
                links.add(supplies);
            }
            links.add(new Link(r.id(), d.id(), a.id().toString(), a.status().name()));
            edges.add(new Edge(a, supplier, resource.strip(), demander));
        }
        List<Node> nodes = new ArrayList<>(suppliers.values());
        nodes.addAll(resources.values());
        nodes.addAll(demanders.values());
        return new SupplyDemandGraph(nodes, links, edges);
    }

    private static Node node(Map<String, Node> column, String id, String name, String kind, int x) {
        return column.computeIfAbsent(id, k -> new Node(id, name, kind, x * COLUMN, column.size() * ROW));
    }

    private static String name(Map<String, String> names, String uscc) {
        return names.getOrDefault(uscc, uscc);
    }
}
