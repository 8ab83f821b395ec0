package cn.tongban.exchange;

import cn.tongban.web.ApiException.FieldProblem;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads suppliers' plain JSON records into Avro records of the resource's schema (dates as
 * {@code yyyy-MM-dd}, enums by symbol, optional fields as null or absent) and writes Avro records
 * back as the same plain JSON. Every mismatch is reported with its field, never with its value.
 */
public final class JsonRecords {

    private JsonRecords() {}

    /** A record read from JSON, or the problems that kept it from being read. */
    public record Read(GenericRecord record, List<FieldProblem> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    public static Read read(Schema schema, JsonNode json) {
        List<FieldProblem> problems = new ArrayList<>();
        if (json == null || !json.isObject()) {
            problems.add(new FieldProblem("record", "object", "must be a JSON object"));
            return new Read(null, problems);
        }
        GenericRecord record = (GenericRecord) value(schema, json, "", problems);
        json.propertyNames().forEach(name -> {
            if (schema.getField(name) == null) {
                problems.add(
                        new FieldProblem(printable(name), "schema-field", "is not a field of the resource's schema"));
            }
        });
        return new Read(problems.isEmpty() ? record : null, problems);
    }

    /** A name from the input as a problem may name it: stored in jsonb, so no NUL, and short. */
    private static String printable(String name) {
        return name.length() <= 128 && name.indexOf('\u0000') < 0 ? name : "(a name the hub cannot show)";
    }

    private static Object value(Schema schema, JsonNode json, String path, List<FieldProblem> problems) {
        boolean absent = json == null || json.isNull() || json.isMissingNode();
        switch (schema.getType()) {
            case NULL:
                if (!absent) {
                    problems.add(new FieldProblem(path, "type", "must be null"));
                }
                return null;
            case UNION: {
                if (absent && schema.getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.NULL)) {
                    return null;
                }
                for (Schema branch : schema.getTypes()) {
                    if (branch.getType() == Schema.Type.NULL) {
                        continue;
                    }
                    List<FieldProblem> tried = new ArrayList<>();
                    Object value = value(branch, json, path, tried);
                    if (tried.isEmpty()) {
                        return value;
                    }
                }
                problems.add(new FieldProblem(path, "type", "fits none of the allowed types"));
                return null;
            }
            default:
                break;
        }
        if (absent) {
            problems.add(new FieldProblem(path, "required", "is required"));
            return null;
        }
        switch (schema.getType()) {
            case RECORD: {
                if (!json.isObject()) {
                    problems.add(new FieldProblem(path, "type", "must be an object"));
                    return null;
                }
                GenericRecord record = new GenericData.Record(schema);
                for (Schema.Field field : schema.getFields()) {
                    String fieldPath = path.isEmpty() ? field.name() : path + "." + field.name();
                    JsonNode member = json.get(field.name());
                    if ((member == null || member.isNull()) && field.hasDefaultValue() && isNullable(field.schema())) {
                        record.put(field.name(), null);
                    } else {
                        record.put(field.name(), value(field.schema(), member, fieldPath, problems));
                    }
                }
                return record;
            }
            case STRING:
                if (!json.isString()) {
                    problems.add(new FieldProblem(path, "type", "must be a string"));
                    return null;
                }
                return json.asString();
            case INT:
                if (schema.getLogicalType() instanceof LogicalTypes.Date) {
                    return date(json, path, problems);
                }
                if (!json.canConvertToInt()) {
                    problems.add(new FieldProblem(path, "type", "must be a 32-bit integer"));
                    return null;
                }
                return json.asInt();
            case LONG:
                if (schema.getLogicalType() instanceof LogicalTypes.TimestampMillis && json.isString()) {
                    try {
                        return Instant.parse(json.asString()).toEpochMilli();
                    } catch (DateTimeParseException e) {
                        problems.add(new FieldProblem(path, "timestamp", "must be an ISO-8601 instant"));
                        return null;
                    }
                }
                if (!json.canConvertToLong() || !json.isIntegralNumber()) {
                    problems.add(new FieldProblem(path, "type", "must be an integer"));
                    return null;
                }
                return json.asLong();
            case FLOAT:
            case DOUBLE:
                if (!json.isNumber()) {
                    problems.add(new FieldProblem(path, "type", "must be a number"));
                    return null;
                }
                return schema.getType() == Schema.Type.FLOAT ? (Object) json.floatValue() : (Object) json.doubleValue();
            case BOOLEAN:
                if (!json.isBoolean()) {
                    problems.add(new FieldProblem(path, "type", "must be true or false"));
                    return null;
                }
                return json.asBoolean();
            case ENUM:
                if (!json.isString() || !schema.getEnumSymbols().contains(json.asString())) {
                    problems.add(new FieldProblem(path, "enum", "must be one of " + schema.getEnumSymbols()));
                    return null;
                }
                return new GenericData.EnumSymbol(schema, json.asString());
            case BYTES:
                if (!json.isString()) {
                    problems.add(new FieldProblem(path, "base64", "must be base64"));
                    return null;
                }
                try {
                    return ByteBuffer.wrap(Base64.getDecoder().decode(json.asString()));
                } catch (IllegalArgumentException e) {
                    problems.add(new FieldProblem(path, "base64", "must be base64"));
                    return null;
                }
            case ARRAY: {
                if (!json.isArray()) {
                    problems.add(new FieldProblem(path, "type", "must be an array"));
                    return null;
                }
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < json.size(); i++) {
                    items.add(value(schema.getElementType(), json.get(i), path + "[" + i + "]", problems));
                }
                return new GenericData.Array<>(schema, items);
            }
            case MAP: {
                if (!json.isObject()) {
                    problems.add(new FieldProblem(path, "type", "must be an object"));
                    return null;
                }
                Map<String, Object> map = new HashMap<>();
                json.properties()
                        .forEach(e -> map.put(
                                e.getKey(),
                                value(
                                        schema.getValueType(),
                                        e.getValue(),
                                        path + "." + printable(e.getKey()),
                                        problems)));
                return map;
            }
            default:
                problems.add(new FieldProblem(path, "type", "has an unsupported type " + schema.getType()));
                return null;
        }
    }

    private static Object date(JsonNode json, String path, List<FieldProblem> problems) {
        if (json.isIntegralNumber() && json.canConvertToInt()) {
            return json.asInt();
        }
        if (!json.isString()) {
            // #13: a number out of range or an object here threw, and the intake answered 500.
            problems.add(new FieldProblem(path, "date", "must be a date yyyy-MM-dd"));
            return null;
        }
        try {
            return (int) LocalDate.parse(json.asString()).toEpochDay();
        } catch (DateTimeParseException e) {
            problems.add(new FieldProblem(path, "date", "must be a date yyyy-MM-dd"));
            return null;
        }
    }

    private static boolean isNullable(Schema schema) {
        return schema.getType() == Schema.Type.NULL
                || (schema.getType() == Schema.Type.UNION
                        && schema.getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.NULL));
    }

    /** The record as plain JSON: dates as yyyy-MM-dd, enums as symbols, bytes as base64. */
    public static ObjectNode write(GenericRecord record) {
        return (ObjectNode) toJson(record.getSchema(), record);
    }

    private static JsonNode toJson(Schema schema, Object value) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        if (value == null) {
            return nodes.nullNode();
        }
        switch (schema.getType()) {
            case UNION:
                return toJson(schema.getTypes().get(GenericData.get().resolveUnion(schema, value)), value);
            case RECORD: {
                ObjectNode object = nodes.objectNode();
                GenericRecord record = (GenericRecord) value;
                for (Schema.Field field : schema.getFields()) {
                    object.set(field.name(), toJson(field.schema(), record.get(field.name())));
                }
                return object;
            }
            case INT:
                if (schema.getLogicalType() instanceof LogicalTypes.Date) {
                    return nodes.stringNode(
                            LocalDate.ofEpochDay(((Number) value).longValue()).toString());
                }
                return nodes.numberNode(((Number) value).intValue());
            case LONG:
                return nodes.numberNode(((Number) value).longValue());
            case FLOAT:
            case DOUBLE:
                return nodes.numberNode(((Number) value).doubleValue());
            case BOOLEAN:
                return nodes.booleanNode((Boolean) value);
            case BYTES: {
                ByteBuffer buffer = ((ByteBuffer) value).duplicate();
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                return nodes.stringNode(Base64.getEncoder().encodeToString(bytes));
            }
            case ARRAY: {
                var array = nodes.arrayNode();
                for (Object item : (Iterable<?>) value) {
                    array.add(toJson(schema.getElementType(), item));
                }
                return array;
            }
            case MAP: {
                ObjectNode object = nodes.objectNode();
                ((Map<?, ?>) value).forEach((k, v) -> object.set(k.toString(), toJson(schema.getValueType(), v)));
                return object;
            }
            default:
                return nodes.stringNode(value.toString());
        }
    }
}
