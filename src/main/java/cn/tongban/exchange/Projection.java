package cn.tongban.exchange;

import cn.tongban.catalog.MaskingRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * 字段投影: cuts a record down to the fields an agreement grants, masked as it says. The
 * projected schema keeps the resource schema's order; a withheld (REDACT) field becomes optional
 * and null, so the demander sees that it exists but not its value.
 */
public final class Projection {

    private final Schema schema;
    private final Map<String, MaskingRule> grant;

    private Projection(Schema schema, Map<String, MaskingRule> grant) {
        this.schema = schema;
        this.grant = grant;
    }

    public static Projection of(Schema source, Map<String, MaskingRule> grant) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : source.getFields()) {
            MaskingRule rule = grant.get(field.name());
            if (rule == null) {
                continue;
            }
            if (rule == MaskingRule.REDACT) {
                Schema nullable = field.schema().isNullable()
                        ? field.schema()
                        : Schema.createUnion(Schema.create(Schema.Type.NULL), field.schema());
                fields.add(new Schema.Field(field.name(), nullable, field.doc(), JsonProperties.NULL_VALUE));
            } else {
                fields.add(new Schema.Field(field, field.schema()));
            }
        }
        Schema projected = Schema.createRecord(source.getName(), source.getDoc(), source.getNamespace(), false, fields);
        return new Projection(projected, Map.copyOf(grant));
    }

    public Schema schema() {
        return schema;
    }

    public GenericRecord apply(GenericRecord source) {
        GenericRecord out = new GenericData.Record(schema);
        for (Schema.Field field : schema.getFields()) {
            out.put(field.name(), Masking.apply(grant.get(field.name()), source.get(field.name())));
        }
        return out;
    }
}
