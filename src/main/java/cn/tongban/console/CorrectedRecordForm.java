package cn.tongban.console;

import cn.tongban.schema.NullableSchemas;
import java.util.Map;
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
