package cn.tongban.catalog;

import cn.tongban.catalog.internal.ParticipantRepository;
import cn.tongban.catalog.internal.ResourceRepository;
import cn.tongban.history.ChangeLog;
import cn.tongban.identifier.CodeKind;
import cn.tongban.identifier.ValidCode;
import cn.tongban.security.Actor;
import cn.tongban.web.ApiException;
import cn.tongban.web.ApiException.FieldProblem;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;

/**
 * 供给清单: the resources providers publish. A resource's 信息项 are exactly the fields of its
 * Avro schema, and every one of them carries its own sharing type.
 */
@Service
public class SupplyList {

    /** 信息资源代码: classification segments and a sequence, e.g. {@code GA-HJ-0001}. */
    public static final String CODE_PATTERN = "^[0-9A-Z]{2,16}(-[0-9A-Z]{1,16}){1,4}$";

    private final ResourceRepository resources;
    private final ParticipantRepository participants;
    private final ResourceSchemas schemas;
    private final ChangeLog changes;
    private final Clock clock;

    SupplyList(
            ResourceRepository resources,
            ParticipantRepository participants,
            ResourceSchemas schemas,
            ChangeLog changes,
            Clock clock) {
        this.resources = resources;
        this.participants = participants;
        this.schemas = schemas;
        this.changes = changes;
        this.clock = clock;
    }

    /** A resource as submitted; {@code schema} is the Avro schema, as JSON or as a JSON string. */
    public record ResourceRequest(
            @NotNull @Pattern(regexp = CODE_PATTERN, message = "must be segments of capitals and digits joined by '-'")
            String code,

            @NotBlank @Size(max = 200) String name,
            @NotNull @ValidCode(CodeKind.USCC) String providerUscc,
            @NotBlank @Size(max = 4000) String summary,
            @NotNull ResourceCategory category,
            @NotBlank @Size(max = 50) String format,
            @NotNull JsonNode schema,
            @NotEmpty @Size(max = 500) List<@Valid @NotNull FieldRequest> fields,
            @NotEmpty Set<@NotNull SharingMode> sharingModes,
            @Size(max = 4000) String sharingCondition,
            @NotNull UpdateCycle updateCycle,
            Boolean openToPublic,
            @NotNull LocalDate publishedOn) {}

    /** The catalog attributes of one schema field. */
    public record FieldRequest(
            @NotBlank String name,
            @NotBlank @Size(max = 100) String title,
            @NotNull SharingType sharingType,
            @NotNull Sensitivity sensitivity,
            MaskingRule masking) {}

    public List<Resource> list(String providerUscc, ResourceCategory category, String text) {
        return resources.list(new ResourceRepository.Filter(providerUscc, category, blankToNull(text)));
    }

    public Resource get(String code) {
        return resources.find(code).orElseThrow(() -> ApiException.notFound("resource"));
    }

    @Transactional
    public Resource publish(ResourceRequest request, Actor actor) {
        requireProvider(request.providerUscc(), actor);
        if (resources.exists(request.code())) {
            throw ApiException.conflict("code", "unique", "a resource with this code is published");
        }
        Instant now = clock.instant();
        Resource resource = build(request, now, now);
        resources.insert(resource);
        schemas.register(resource, actor);
        changes.record(actor.name(), "resource", resource.code(), "published", null, resource);
        return resource;
    }

    @Transactional
    public Resource update(String code, ResourceRequest request, Actor actor) {
        Resource before = get(code);
        if (!code.equals(request.code())) {
            throw ApiException.invalid("code", "immutable", "the code identifies the resource and cannot change");
        }
        if (!before.providerUscc().equals(request.providerUscc())) {
            throw ApiException.invalid("providerUscc", "immutable", "a resource cannot move to another provider");
        }
        requireProvider(request.providerUscc(), actor);
        Resource after = build(request, before.createdAt(), clock.instant());
        resources.update(after);
        schemas.register(after, actor);
        changes.record(actor.name(), "resource", code, "updated", before, after);
        return after;
    }

    private void requireProvider(String providerUscc, Actor actor) {
        if (!participants.exists(providerUscc)) {
            throw ApiException.unknownReference("providerUscc", "participant");
        }
        if (!actor.mayManage(providerUscc)) {
            throw ApiException.forbidden("a participant publishes only its own resources");
        }
    }

    private static Resource build(ResourceRequest request, Instant createdAt, Instant updatedAt) {
        Schema schema = parse(request.schema());
        List<ResourceField> fields = fields(schema, request.fields());
        boolean conditional = fields.stream().anyMatch(f -> f.sharingType() == SharingType.CONDITIONAL);
        if (conditional
                && (request.sharingCondition() == null
                        || request.sharingCondition().isBlank())) {
            throw ApiException.invalid(
                    "sharingCondition",
                    "required-for-conditional",
                    "a resource with conditional fields states its sharing condition");
        }
        return new Resource(
                request.code(),
                request.name(),
                request.providerUscc(),
                request.summary(),
                request.category(),
                request.format(),
                schema.toString(),
                fields,
                Set.copyOf(request.sharingModes()),
                blankToNull(request.sharingCondition()),
                request.updateCycle(),
                Boolean.TRUE.equals(request.openToPublic()),
                request.publishedOn(),
                createdAt,
                updatedAt);
    }

    static Schema parse(JsonNode node) {
        String text = node.isString() ? node.asString() : node.toString();
        Schema schema;
        try {
            schema = new Schema.Parser().parse(text);
        } catch (AvroRuntimeException | NullPointerException | IllegalArgumentException e) {
            // SchemaParseException, and AvroTypeException for a default that does not fit (a number beyond range, say)
            throw ApiException.invalid("schema", "avro-schema", "is not a valid Avro schema: " + avroMessage(e));
        }
        if (schema.getType() != Schema.Type.RECORD) {
            throw ApiException.invalid("schema", "avro-record", "must be an Avro record schema");
        }
        return schema;
    }

    /** Pairs each schema field with its catalog attributes: one entry per field, no more, no fewer. */
    private static List<ResourceField> fields(Schema schema, List<FieldRequest> requested) {
        List<FieldProblem> problems = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < requested.size(); i++) {
            String name = requested.get(i).name();
            if (schema.getField(name) == null) {
                problems.add(
                        new FieldProblem("fields[" + i + "].name", "schema-field", "is not a field of the schema"));
            } else if (!seen.add(name)) {
                problems.add(new FieldProblem("fields[" + i + "].name", "unique", "is listed twice"));
            }
        }
        Map<String, FieldRequest> byName =
                requested.stream().collect(Collectors.toMap(FieldRequest::name, Function.identity(), (a, b) -> a));
        for (Schema.Field field : schema.getFields()) {
            if (!byName.containsKey(field.name())) {
                problems.add(new FieldProblem(
                        "fields", "every-schema-field", "schema field '" + field.name() + "' has no sharing type"));
            }
        }
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
        return schema.getFields().stream()
                .map(field -> {
                    FieldRequest r = byName.get(field.name());
                    return new ResourceField(
                            field.name(),
                            r.title(),
                            typeName(field.schema()),
                            r.sharingType(),
                            r.sensitivity(),
                            r.masking() == null ? MaskingRule.NONE : r.masking());
                })
                .toList();
    }

    private static String typeName(Schema schema) {
        if (schema.getType() == Schema.Type.UNION) {
            return schema.getTypes().stream().map(SupplyList::typeName).collect(Collectors.joining("|"));
        }
        return schema.getLogicalType() != null
                ? schema.getLogicalType().getName()
                : schema.getType().getName();
    }

    private static String avroMessage(Exception e) {
        String message = e.getMessage();
        return message == null
                ? e.getClass().getSimpleName()
                : message.lines().findFirst().orElse("");
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
