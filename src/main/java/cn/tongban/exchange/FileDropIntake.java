package cn.tongban.exchange;

import cn.tongban.catalog.Resource;
import cn.tongban.catalog.SupplyList;
import cn.tongban.schema.SchemaRegistry;
import cn.tongban.security.Actor;
import cn.tongban.security.Role;
import cn.tongban.web.ApiException.FieldProblem;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.camel.Exchange;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * 文件接入: one CSV or JSON-lines file from a supplier's drop directory. CSV has a header row
 * naming {@code sourceRecordId} and the schema's fields; JSON lines are
 * {@code {"sourceRecordId": ..., "record": {...}}}. Records go through the same intake as an
 * HTTP push, in batches; a record that fails is quarantined and the file still counts as done. A
 * file that cannot be read as records at all (no header, unknown columns, not UTF-8 JSON) goes to
 * failed/ with a {@code .problems.json} beside it; every processed file leaves a
 * {@code .result.json} in done/ naming quarantined records by source id and reason, never value.
 */
@Component("fileDropIntake")
public class FileDropIntake {

    private static final String SOURCE_ID = "sourceRecordId";

    private final IntakeService intake;
    private final SupplyList supplyList;
    private final ExchangeProperties properties;
    private final JsonMapper json;
    private final RecordLimits limits;

    FileDropIntake(
            IntakeService intake,
            SupplyList supplyList,
            ExchangeProperties properties,
            JsonMapper json,
            RecordLimits limits) {
        this.limits = limits;
        this.intake = intake;
        this.supplyList = supplyList;
        this.properties = properties;
        this.json = json;
    }

    /** Raised for a file that holds no readable records; the route moves it to failed/. */
    public static class UnreadableFile extends RuntimeException {
        UnreadableFile(String message) {
            super(message);
        }
    }

    public void ingest(Exchange exchange) throws IOException {
        String supplier = exchange.getMessage().getHeader("TongbanSupplier", String.class);
        Resource resource = supplyList.get(exchange.getMessage().getHeader("TongbanResource", String.class));
        String name = exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        Path directory = Path.of(exchange.getMessage().getHeader(Exchange.FILE_PARENT, String.class));
        Schema schema = SchemaRegistry.parse(resource.avroSchema());
        List<IntakeService.IncomingRecord> records;
        try (InputStream in = exchange.getMessage().getBody(InputStream.class)) {
            records = name.endsWith(".csv") ? csv(in, schema) : jsonLines(in);
        } catch (UnreadableFile e) {
            report(
                    directory.resolve("failed"),
                    name + ".problems.json",
                    Map.of("file", name, "problem", e.getMessage()));
            throw e;
        }
        Actor actor = new Actor("file-drop:" + name, supplier, Set.of(Role.SYSTEM));
        int accepted = 0;
        int deliveries = 0;
        List<Map<String, Object>> quarantined = new ArrayList<>();
        for (int from = 0; from < records.size(); from += IntakeService.MAX_BATCH) {
            IntakeService.IntakeResult result = intake.ingest(
                    resource.code(),
                    records.subList(from, Math.min(records.size(), from + IntakeService.MAX_BATCH)),
                    "FILE_DROP",
                    properties.signingMode(),
                    actor);
            accepted += result.accepted();
            deliveries += result.deliveries();
            for (IntakeService.RecordResult r : result.results()) {
                if (r.quarantineId() != null) {
                    Map<String, Object> entry = new LinkedHashMap<>();
                    entry.put("line", from + r.index() + 1);
                    entry.put("sourceRecordId", r.sourceRecordId());
                    entry.put("quarantineId", r.quarantineId());
                    entry.put("reasons", r.reasons());
                    quarantined.add(entry);
                }
            }
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("file", name);
        summary.put("resource", resource.code());
        summary.put("records", records.size());
        summary.put("accepted", accepted);
        summary.put("deliveries", deliveries);
        summary.put("quarantined", quarantined);
        report(directory.resolve("done"), name + ".result.json", summary);
    }

    private List<IntakeService.IncomingRecord> jsonLines(InputStream in) throws IOException {
        List<IntakeService.IncomingRecord> records = new ArrayList<>();
        BoundedLines lines = new BoundedLines(new InputStreamReader(in, StandardCharsets.UTF_8), maxLine());
        BoundedLines.Line line;
        int number = 0;
        while ((line = lines.next()) != null) {
            number++;
            if (line.over()) {
                records.add(new IntakeService.IncomingRecord(
                        "line-" + number,
                        RecordLimits.summary(line.text(), line.length(), null),
                        List.of(limits.tooLarge())));
                continue;
            }
            if (line.text().isBlank()) {
                continue;
            }
            try {
                JsonNode node = json.readTree(line.text());
                JsonNode id = node.get(SOURCE_ID);
                records.add(new IntakeService.IncomingRecord(
                        id == null || !id.isString() ? null : id.asString(), node.get("record")));
            } catch (JacksonException e) {
                records.add(new IntakeService.IncomingRecord(
                        "line-" + number,
                        JsonNodeFactory.instance.stringNode(line.text()),
                        List.of(new FieldProblem("line", "json", "line " + number + " is not a JSON object"))));
            }
        }
        if (records.isEmpty()) {
            throw new UnreadableFile("the file holds no records");
        }
        return records;
    }

    /** A line holds one record and its source id: a little more than the record limit. */
    private int maxLine() {
        return (int) Math.min(Integer.MAX_VALUE - 8, limits.maxRecordBytes() + 1024);
    }

    private List<IntakeService.IncomingRecord> csv(InputStream in, Schema schema) throws IOException {
        // A CSV record cannot be cut out of its file safely (quotes span lines): an overlong line fails the file.
        Reader reader = BoundedLines.capped(
                new InputStreamReader(in, StandardCharsets.UTF_8),
                maxLine(),
                () -> new UnreadableFile("a line is longer than " + maxLine() + " characters (the record limit)"));
        CSVFormat format = CSVFormat.RFC4180
                .builder()
                .setHeader()
                .setSkipHeaderRecord(true)
                .setIgnoreEmptyLines(true)
                .get();
        try (CSVParser parser = CSVParser.parse(reader, format)) {
            List<String> header = parser.getHeaderNames();
            if (!header.contains(SOURCE_ID)) {
                throw new UnreadableFile("the header row has no " + SOURCE_ID + " column");
            }
            List<String> unknown = header.stream()
                    .filter(h -> !h.equals(SOURCE_ID) && schema.getField(h) == null)
                    .toList();
            if (!unknown.isEmpty()) {
                throw new UnreadableFile("columns that are not fields of the resource's schema: " + unknown);
            }
            List<IntakeService.IncomingRecord> records = new ArrayList<>();
            for (CSVRecord row : parser) {
                ObjectNode record = JsonNodeFactory.instance.objectNode();
                List<FieldProblem> problems = new ArrayList<>();
                if (!row.isConsistent()) {
                    problems.add(new FieldProblem(
                            "row", "columns", "row " + row.getRecordNumber() + " has not as many cells as the header"));
                }
                for (String column : header) {
                    if (!column.equals(SOURCE_ID) && row.isSet(column)) {
                        record.set(column, cell(schema.getField(column).schema(), row.get(column)));
                    }
                }
                String id = row.isSet(SOURCE_ID) ? row.get(SOURCE_ID) : null;
                if (limits.size(record) != null) {
                    problems.add(limits.tooLarge());
                }
                records.add(new IntakeService.IncomingRecord(id, record, problems));
            }
            if (records.isEmpty()) {
                throw new UnreadableFile("the file holds no records");
            }
            return records;
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            throw new UnreadableFile("not a CSV file with a header row (RFC 4180, UTF-8)");
        }
    }

    /** A CSV cell as the JSON the intake reads; a cell that does not fit stays text and fails validation there. */
    static JsonNode cell(Schema schema, String text) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        if (text.isEmpty()) {
            return nodes.nullNode();
        }
        Schema type = schema;
        if (schema.getType() == Schema.Type.UNION) {
            type = schema.getTypes().stream()
                    .filter(t -> t.getType() != Schema.Type.NULL)
                    .findFirst()
                    .orElse(schema);
        }
        try {
            return switch (type.getType()) {
                case INT ->
                    type.getLogicalType() == null
                            ? nodes.numberNode(Integer.parseInt(text.trim()))
                            : nodes.stringNode(text);
                case LONG ->
                    type.getLogicalType() == null
                            ? nodes.numberNode(Long.parseLong(text.trim()))
                            : nodes.stringNode(text);
                case FLOAT, DOUBLE -> nodes.numberNode(Double.parseDouble(text.trim()));
                case BOOLEAN ->
                    text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")
                            ? nodes.booleanNode(Boolean.parseBoolean(text))
                            : nodes.stringNode(text);
                default -> nodes.stringNode(text);
            };
        } catch (NumberFormatException e) {
            return nodes.stringNode(text);
        }
    }

    private void report(Path directory, String name, Object body) throws IOException {
        Files.createDirectories(directory);
        Files.write(
                directory.resolve(name), json.writerWithDefaultPrettyPrinter().writeValueAsBytes(body));
    }
}
