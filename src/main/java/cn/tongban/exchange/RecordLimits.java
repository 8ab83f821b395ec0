package cn.tongban.exchange;

import cn.tongban.limits.LimitsProperties;
import cn.tongban.signing.Sm3;
import cn.tongban.web.ApiException.FieldProblem;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * 记录限额: a record, on any channel, is at most {@code tongban.limits.max-record-bytes} as JSON
 * text, and each text value at most its field's {@code maxLength} (an Avro field property) or
 * {@code tongban.limits.max-field-length} characters, and holds no U+0000. A record over a limit
 * is quarantined as a {@link #summary summary}, never whole.
 */
@Component
public class RecordLimits {

    static final String MAX_SIZE = "max-size";
    static final String MAX_LENGTH = "max-length";
    static final String NO_NUL = "no-nul";
    /** How much of an oversized record its quarantine summary keeps, for the supplier to recognise it. */
    static final int SUMMARY_HEAD = 512;

    private final long maxRecordBytes;
    private final int maxFieldLength;
    private final JsonMapper json;

    RecordLimits(LimitsProperties limits, JsonMapper json) {
        this.maxRecordBytes = limits.maxRecordBytes().toBytes();
        this.maxFieldLength = limits.maxFieldLength();
        this.json = json;
    }

    public long maxRecordBytes() {
        return maxRecordBytes;
    }

    /** The record's size problem, or null: counted as it is written out, stopping one byte past the limit. */
    FieldProblem size(JsonNode record) {
        if (record == null || atMostBytes(record, maxRecordBytes) <= maxRecordBytes) {
            return null; // nearly every record: far below the limit however it is written
        }
        Counter counter = new Counter(maxRecordBytes);
        try {
            json.writeValue(counter, record);
        } catch (RuntimeException stopped) {
            if (!counter.over()) {
                throw stopped;
            }
        }
        return counter.over() ? tooLarge() : null;
    }

    /**
     * An upper bound of the node's size as JSON, found without writing it (a character is at most
     * 6 bytes escaped, a machine-sized number at most 40); stops counting once past {@code limit}.
     */
    static long atMostBytes(JsonNode node, long limit) {
        if (node.isString()) {
            return 6L * node.asString().length() + 2;
        }
        if (node.isBigInteger() || node.isBigDecimal()) {
            return node.asString().length() + 16L; // a number may be arbitrarily long
        }
        if (!node.isContainer()) {
            return 40;
        }
        long total = 2;
        if (node.isObject()) {
            for (var e : node.properties()) {
                total += 6L * e.getKey().length() + 4 + atMostBytes(e.getValue(), limit);
                if (total > limit) {
                    return total;
                }
            }
        } else {
            for (JsonNode item : node) {
                total += 1 + atMostBytes(item, limit);
                if (total > limit) {
                    return total;
                }
            }
        }
        return total;
    }

    FieldProblem tooLarge() {
        return new FieldProblem("record", MAX_SIZE, "must be at most " + maxRecordBytes + " bytes as JSON");
    }

    /** Text values longer than their field allows, or holding U+0000; one problem per top-level field. */
    List<FieldProblem> text(Schema schema, JsonNode record) {
        List<FieldProblem> problems = new ArrayList<>();
        if (record == null || !record.isObject()) {
            return problems;
        }
        for (Map.Entry<String, JsonNode> member : record.properties()) {
            Schema.Field field = schema.getField(member.getKey());
            if (field == null) {
                continue; // JsonRecords names it as no field of the schema
            }
            String rule = textRule(member.getValue(), maxLength(field), 0);
            if (rule != null) {
                problems.add(new FieldProblem(
                        field.name(),
                        rule,
                        rule.equals(NO_NUL)
                                ? "must not contain the NUL character (U+0000)"
                                : "must be at most " + maxLength(field) + " characters"));
            }
        }
        return problems;
    }

    int maxLength(Schema.Field field) {
        Object declared = field.getObjectProp("maxLength");
        return declared instanceof Number n && n.intValue() > 0 ? n.intValue() : maxFieldLength;
    }

    private static String textRule(JsonNode value, int max, int depth) {
        if (value.isString()) {
            String s = value.asString();
            return s.indexOf('\u0000') >= 0 ? NO_NUL : s.length() > max ? MAX_LENGTH : null;
        }
        if (depth < 64 && value.isContainer()) {
            for (JsonNode child : value.values()) {
                String rule = textRule(child, max, depth + 1);
                if (rule != null) {
                    return rule;
                }
            }
        }
        return null;
    }

    /**
     * What quarantine keeps of a record over the size limit: its beginning, its length (at least)
     * and no more; the supplier sends a corrected record, not this one.
     */
    static JsonNode summary(String head, long atLeastBytes, byte[] digestOf) {
        ObjectNode summary = JsonNodeFactory.instance.objectNode();
        summary.put("truncated", true);
        summary.put("bytesAtLeast", atLeastBytes);
        summary.put("head", head.length() > SUMMARY_HEAD ? head.substring(0, SUMMARY_HEAD) : head);
        if (digestOf != null) {
            summary.put("sm3", HexFormat.of().formatHex(Sm3.digest(digestOf)));
        }
        return summary;
    }

    /** The summary of a JSON record over the limit. */
    JsonNode summary(JsonNode record) {
        Counter counter = new Counter(maxRecordBytes);
        try {
            json.writeValue(counter, record);
        } catch (RuntimeException stopped) {
            // Stopped at the limit: the summary says "at least".
        }
        return summary(counter.head(), counter.count, null);
    }

    /** A source id that PostgreSQL and the ledger can store: no NUL, not longer than is useful to show. */
    static String storable(String sourceId) {
        if (sourceId == null) {
            return null;
        }
        String clean = sourceId.indexOf('\u0000') >= 0 ? sourceId.replace('\u0000', '\uFFFD') : sourceId;
        return clean.length() > 256 ? clean.substring(0, 256) + "…" : clean;
    }

    /** Counts what is written and keeps its beginning; fails one byte past the limit, so no more is produced. */
    private static final class Counter extends OutputStream {

        private final long max;
        private final byte[] head = new byte[SUMMARY_HEAD];
        private long count;

        Counter(long max) {
            this.max = max;
        }

        boolean over() {
            return count > max;
        }

        String head() {
            return new String(head, 0, (int) Math.min(count, head.length), StandardCharsets.UTF_8);
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            if (count < head.length) {
                System.arraycopy(bytes, offset, head, (int) count, (int) Math.min(length, head.length - count));
            }
            count += length;
            if (count > max) {
                throw new IllegalStateException("over the record limit");
            }
        }
    }
}
