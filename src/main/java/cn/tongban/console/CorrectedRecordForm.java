package cn.tongban.console;

import cn.tongban.catalog.ResourceField;
import cn.tongban.catalog.Sensitivity;
import cn.tongban.schema.NullableSchemas;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A corrected record as typed into the console, one text box per schema field, made into the plain
 * JSON the intake reads: text for text fields, JSON literals (numbers, booleans) otherwise. Whether it
 * is a valid record is the intake's to say (JsonRecords, quality rules), beside each field.
 */
final class CorrectedRecordForm {

    private CorrectedRecordForm() {}

    /**
     * One box of the form. {@code flagged}: the field the page points at (disputed, or refused by
     * the intake); {@code value} is echoed back only for general (non-personal) fields.
     */
    record Box(ResourceField field, boolean flagged, String value) {}

    /** A box per field of the resource, the flagged ones first, personal values never shown back. */
    static List<Box> boxes(List<ResourceField> fields, Set<String> flagged, Map<String, String> typed) {
        List<Box> boxes = new ArrayList<>();
        for (ResourceField field : fields) {
            String value = field.sensitivity() == Sensitivity.GENERAL ? typed.getOrDefault(field.name(), "") : "";
            boxes.add(new Box(field, flagged.contains(field.name()), value));
        }
        boxes.sort(Comparator.comparing((Box b) -> !b.flagged()));
        return boxes;
    }

    /** The form's {@code record.<field>} boxes by field name, from all of a request's parameters. */
    static Map<String, String> typedValues(Map<String, String> params) {
        Map<String, String> values = new LinkedHashMap<>();
        params.forEach((name, value) -> {
            if (name.startsWith("record.")) {
                values.put(name.substring("record.".length()), value);
            }
        });
        return values;
    }

    static ObjectNode read(Schema schema, Map<String, String> values, JsonMapper json) {
        ObjectNode record = json.createObjectNode();
        for (Schema.Field field : schema.getFields()) {
            String value = values.get(field.name());
            // A blank box is an absent field: the intake knows whether the schema allows it.
            if (value != null && !value.isBlank()) {
                record.set(field.name(), typed(NullableSchemas.valueType(field.schema()), value.strip(), json));
            }
        }
        return record;
    }

    private static JsonNode typed(Schema type, String value, JsonMapper json) {
        boolean text = type.getLogicalType() != null
                || switch (type.getType()) {
                    case STRING, ENUM, BYTES, FIXED -> true;
                    default -> false;
                };
        if (text) {
            return json.getNodeFactory().textNode(value);
        }
        try {
            return json.readTree(value);
        } catch (JacksonException notALiteral) {
            // Left as text, the intake then names the field and its type.
            return json.getNodeFactory().textNode(value);
        }
    }
}
