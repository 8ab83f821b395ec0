package cn.tongban.schema;

import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * 兼容性级别, as Confluent names them. BACKWARD: the new schema reads data written with the old;
 * FORWARD: the old reads data written with the new; FULL: both. TRANSITIVE checks every earlier
 * version, otherwise only the latest. The checks are Avro's own {@link SchemaCompatibility}.
 */
public enum CompatibilityLevel {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    private final boolean newReadsOld;
    private final boolean oldReadsNew;
    private final boolean transitive;

    CompatibilityLevel(boolean newReadsOld, boolean oldReadsNew, boolean transitive) {
        this.newReadsOld = newReadsOld;
        this.oldReadsNew = oldReadsNew;
        this.transitive = transitive;
    }

    public boolean transitive() {
        return transitive;
    }

    /** The earlier schemas (newest first) that a new schema must be checked against at this level. */
    public List<VersionedSchema> toCheck(List<VersionedSchema> newestFirst) {
        if (this == NONE || newestFirst.isEmpty()) {
            return List.of();
        }
        return transitive ? newestFirst : newestFirst.subList(0, 1);
    }

    /** Every incompatibility of the candidate with one earlier schema, in Avro's words; empty when compatible. */
    public List<Incompatibility> incompatibilities(Schema candidate, Schema earlier) {
        List<Incompatibility> found = new java.util.ArrayList<>();
        if (newReadsOld) {
            found.addAll(check(candidate, earlier));
        }
        if (oldReadsNew) {
            found.addAll(check(earlier, candidate));
        }
        return found;
    }

    private static List<Incompatibility> check(Schema reader, Schema writer) {
        SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        return result.getResult().getIncompatibilities();
    }

    /** A registered schema with its version under a subject. */
    public record VersionedSchema(int version, int id, Schema schema) {}
}
