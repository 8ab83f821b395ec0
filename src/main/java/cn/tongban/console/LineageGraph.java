package cn.tongban.console;

import cn.tongban.ledger.BundleFormat.EventLine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A record's lineage as an ECharts graph: one node per event, in columns by step (a peer hub's
 * message in, received, signed for a demander, delivered or sent on to a peer hub, acknowledged),
 * one row per demander. Received leads to every signing; a signing leads to the later steps of
 * its demander. A FEDERATION_RECORDS node names the message id that joins the two hubs' ledgers.
 */
record LineageGraph(List<Node> nodes, List<Link> links) {

    record Node(String id, String name, String type, String outcome, String participant, long seq, int x, int y) {}

    record Link(String source, String target) {}

    static LineageGraph of(List<EventLine> events, JsonMapper json) {
        Map<Integer, Integer> rows = new HashMap<>();
        List<Node> nodes = new ArrayList<>();
        for (EventLine e : events) {
            int step = step(e);
            int row = rows.merge(step, 1, Integer::sum) - 1;
            String name = e.type() + " #" + e.seq();
            if ("FEDERATION_RECORDS".equals(e.type())) {
                String messageId = messageId(e.details(), json);
                if (messageId != null) {
                    name = name + "\nmessageId " + messageId;
                }
            }
            nodes.add(new Node(
                    "e" + e.seq(), name, e.type(), e.outcome(), e.participantUscc(), e.seq(), step * 220, row * 90));
        }
        List<Link> links = new ArrayList<>();
        for (Node a : nodes) {
            for (Node b : nodes) {
                int from = step(a.type(), a.outcome());
                int to = step(b.type(), b.outcome());
                boolean joined = (from == 0 && to == 1)
                        || (from == 1 && to == 2)
                        || (from == 2 && to == 3 && Objects.equals(a.participant(), b.participant()))
                        || (from == 3 && to == 4 && Objects.equals(a.participant(), b.participant()));
                if (joined && a.seq() < b.seq()) {
                    links.add(new Link(a.id(), b.id()));
                }
            }
        }
        return new LineageGraph(nodes, links);
    }

    private static int step(EventLine e) {
        return step(e.type(), e.outcome());
    }

    static int step(String type, String outcome) {
        if (type == null) {
            return 5;
        }
        return switch (type) {
            case "FEDERATION_RECORDS" -> "RECEIVED".equals(outcome) ? 0 : 3;
            case "RECORD_RECEIVED", "RECORD_QUARANTINED" -> 1;
            case "DELIVERY_SIGNED" -> 2;
            case "DELIVERED", "DELIVERY_FAILED", "DELIVERY_REPLAYED" -> 3;
            case "DELIVERY_ACKNOWLEDGED" -> 4;
            default -> 5;
        };
    }

    private static String messageId(String details, JsonMapper json) {
        if (details == null || details.isBlank()) {
            return null;
        }
        try {
            JsonNode node = json.readTree(details);
            JsonNode id = node.get("messageId");
            return id == null || id.isNull() ? null : id.asString();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
