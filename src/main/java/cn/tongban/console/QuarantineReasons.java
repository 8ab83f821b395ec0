package cn.tongban.console;

import cn.tongban.exchange.Deliveries;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/** A quarantined record's reasons as the intake kept them: field, rule and message each, never the value. */
final class QuarantineReasons {

    private QuarantineReasons() {}

    /** A quarantined record as a table shows it: its reasons, never its content. */
    record Held(Deliveries.QuarantineView view, List<String> reasons) {}

    /** "field · rule: message" per reason, for a table cell. */
    static List<String> of(JsonNode reasons) {
        List<String> out = new ArrayList<>();
        if (reasons == null) {
            return out;
        }
        if (!reasons.isArray()) {
            out.add(reasons.isString() ? reasons.asString() : reasons.toString());
            return out;
        }
        for (JsonNode r : reasons) {
            if (r.isString()) {
                out.add(r.asString());
            } else {
                out.add(r.path("field").asString("") + " · " + r.path("rule").asString("") + ": "
                        + r.path("message").asString(""));
            }
        }
        return out;
    }

    /** The fields the reasons name. */
    static Set<String> fields(JsonNode reasons) {
        Set<String> fields = new LinkedHashSet<>();
        if (reasons != null && reasons.isArray()) {
            reasons.forEach(r -> {
                String field = r.path("field").asString("");
                if (!field.isEmpty()) {
                    fields.add(field.startsWith("record.") ? field.substring("record.".length()) : field);
                }
            });
        }
        return fields;
    }
}
