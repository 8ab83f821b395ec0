package cn.tongban.schema;

import org.apache.avro.Schema;

/** An optional field is a union with null in Avro; rules about its values look at the other branch. */
public final class NullableSchemas {

    private NullableSchemas() {}

    /** The type a field's values have: the first non-null branch of a union, else the schema itself. */
    public static Schema valueType(Schema schema) {
        if (schema.getType() != Schema.Type.UNION) {
            return schema;
        }
        return schema.getTypes().stream()
                .filter(t -> t.getType() != Schema.Type.NULL)
                .findFirst()
                .orElse(schema);
    }
}
