package cn.tongban.schema;

import cn.tongban.history.ChangeLog;
import cn.tongban.schema.CompatibilityLevel.VersionedSchema;
import cn.tongban.schema.internal.RegistryRepository;
import cn.tongban.security.Actor;
import cn.tongban.signing.Sm3;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * 模式注册中心: Avro schemas by subject and version, with Confluent's semantics — global ids, the
 * same id for the same schema, compatibility checked on every registration, soft then permanent
 * deletion. Anyone authenticated reads; a subject's owner (the resource's provider) and platform
 * administrators write.
 */
@Service
public class SchemaRegistry {

    /** Confluent's default compatibility. */
    public static final CompatibilityLevel DEFAULT_LEVEL = CompatibilityLevel.BACKWARD;

    private static final String GLOBAL = "";

    private final RegistryRepository repository;
    private final SubjectOwners owners;
    private final ChangeLog changes;
    private final Clock clock;

    SchemaRegistry(RegistryRepository repository, SubjectOwners owners, ChangeLog changes, Clock clock) {
        this.repository = repository;
        this.owners = owners;
        this.changes = changes;
        this.clock = clock;
    }

    /** A schema registered under a subject. */
    public record Registered(String subject, int id, int version, String schema) {}

    /** The answer to a compatibility test. */
    public record CompatibilityReport(boolean compatible, List<String> messages) {}

    /** The subject's name for a resource's record values (Confluent's TopicNameStrategy). */
    public static String valueSubject(String resourceCode) {
        return resourceCode + "-value";
    }

    @Transactional
    public int register(String subject, String schemaText, Actor actor) {
        requireWriter(subject, actor);
        requireWritable(subject);
        Schema schema = parse(schemaText);
        repository.lockSubject(subject);
        List<SubjectVersion> versions = repository.versions(subject);
        String fingerprint = fingerprint(schema);
        Optional<Integer> known = repository.existingSchemaId(fingerprint);
        if (known.isPresent()) {
            int id = known.get();
            boolean registeredHere = versions.stream().anyMatch(v -> !v.deleted() && v.schemaId() == id);
            if (registeredHere) {
                return id;
            }
        }
        CompatibilityLevel level = effectiveLevel(subject);
        List<String> problems = problems(schema, level, level.toCheck(live(versions)));
        if (!problems.isEmpty()) {
            throw new RegistryException(
                    409,
                    409,
                    "Schema being registered is incompatible with an earlier schema for subject \"" + subject
                            + "\", details: " + problems,
                    problems);
        }
        int id = repository.schemaId(schema.toString(), fingerprint, clock.instant(), actor.name());
        int version = versions.stream().mapToInt(SubjectVersion::version).max().orElse(0) + 1;
        repository.insertVersion(subject, version, id, clock.instant(), actor.name());
        changes.record(
                actor.name(), "schema-subject", subject, "registered", null, Map.of("version", version, "id", id));
        return id;
    }

    /** The version under which exactly this schema is registered in the subject. */
    public Registered lookup(String subject, String schemaText, boolean includeDeleted) {
        List<SubjectVersion> versions = visible(subject, includeDeleted);
        Schema schema = parse(schemaText);
        Optional<Integer> id = repository.existingSchemaId(fingerprint(schema));
        return id.flatMap(schemaId -> versions.stream()
                        .filter(v -> v.schemaId() == schemaId)
                        .max(Comparator.comparingInt(SubjectVersion::version)))
                .map(v -> new Registered(subject, v.schemaId(), v.version(), schema.toString()))
                .orElseThrow(RegistryException::schemaNotFound);
    }

    public Registered version(String subject, String version, boolean includeDeleted) {
        SubjectVersion found = find(subject, version, includeDeleted);
        return new Registered(
                subject,
                found.schemaId(),
                found.version(),
                schema(found.schemaId()).canonical());
    }

    public List<Integer> versions(String subject, boolean includeDeleted) {
        return visible(subject, includeDeleted).stream()
                .map(SubjectVersion::version)
                .toList();
    }

    public List<String> subjects(boolean includeDeleted, String prefix) {
        return repository.subjects(includeDeleted, prefix == null ? "" : prefix);
    }

    public StoredSchema schema(int id) {
        return repository.schema(id).orElseThrow(() -> RegistryException.schemaIdNotFound(id));
    }

    /** Where a schema id is used: live subject versions (and deleted ones if asked). */
    public List<SubjectVersion> usages(int id, boolean includeDeleted) {
        schema(id);
        return repository.usages(id).stream()
                .filter(v -> includeDeleted || !v.deleted())
                .toList();
    }

    @Transactional
    public List<Integer> deleteSubject(String subject, boolean permanent, Actor actor) {
        requireWriter(subject, actor);
        requireWritable(subject);
        repository.lockSubject(subject);
        List<SubjectVersion> versions = repository.versions(subject);
        if (versions.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        boolean allSoftDeleted = versions.stream().allMatch(SubjectVersion::deleted);
        if (permanent) {
            if (!allSoftDeleted) {
                throw new RegistryException(
                        404, 40405, "Subject '" + subject + "' was not deleted first before being permanently deleted");
            }
            versions.forEach(v -> repository.hardDelete(subject, v.version()));
        } else {
            if (allSoftDeleted) {
                throw new RegistryException(
                        404,
                        40404,
                        "Subject '" + subject + "' was soft deleted.Set permanent=true to delete permanently");
            }
            versions.stream().filter(v -> !v.deleted()).forEach(v -> repository.softDelete(subject, v.version()));
        }
        changes.record(
                actor.name(), "schema-subject", subject, permanent ? "deleted-permanently" : "deleted", null, null);
        return versions.stream()
                .filter(v -> permanent || !v.deleted())
                .map(SubjectVersion::version)
                .toList();
    }

    @Transactional
    public int deleteVersion(String subject, String version, boolean permanent, Actor actor) {
        requireWriter(subject, actor);
        requireWritable(subject);
        repository.lockSubject(subject);
        SubjectVersion found = find(subject, version, permanent);
        if (permanent && !found.deleted()) {
            throw new RegistryException(
                    404,
                    40407,
                    "Subject '" + subject + "' Version " + found.version()
                            + " was not deleted first before being permanently deleted");
        }
        if (permanent) {
            repository.hardDelete(subject, found.version());
        } else {
            repository.softDelete(subject, found.version());
        }
        changes.record(
                actor.name(),
                "schema-subject",
                subject,
                permanent ? "version-deleted-permanently" : "version-deleted",
                Map.of("version", found.version()),
                null);
        return found.version();
    }

    /**
     * Tests a candidate against one version ({@code version} given) or against what the subject's
     * level requires ({@code version} null), as Confluent's compatibility endpoints do.
     */
    public CompatibilityReport test(String subject, String version, String schemaText) {
        Schema schema = parse(schemaText);
        CompatibilityLevel level = effectiveLevel(subject);
        List<VersionedSchema> against;
        if (version == null) {
            against = level.toCheck(live(repository.versions(subject)));
        } else {
            SubjectVersion found = find(subject, version, false);
            against = List.of(new VersionedSchema(
                    found.version(),
                    found.schemaId(),
                    parse(schema(found.schemaId()).canonical())));
        }
        List<String> problems = level == CompatibilityLevel.NONE ? List.of() : problems(schema, level, against);
        return new CompatibilityReport(problems.isEmpty(), problems);
    }

    /** What keeps a schema from joining the subject, in Confluent's message style; empty when it may. */
    public List<String> incompatibilities(String subject, String schemaText) {
        Schema schema = parse(schemaText);
        CompatibilityLevel level = effectiveLevel(subject);
        return problems(schema, level, level.toCheck(live(repository.versions(subject))));
    }

    public CompatibilityLevel globalLevel() {
        return repository.compatibility(GLOBAL).map(CompatibilityLevel::valueOf).orElse(DEFAULT_LEVEL);
    }

    /** The subject's own level; empty when it follows the global one. */
    public Optional<CompatibilityLevel> subjectLevel(String subject) {
        return repository.compatibility(subject).map(CompatibilityLevel::valueOf);
    }

    public CompatibilityLevel effectiveLevel(String subject) {
        return subjectLevel(subject).orElseGet(this::globalLevel);
    }

    @Transactional
    public CompatibilityLevel setLevel(String subject, String level, Actor actor) {
        CompatibilityLevel parsed = parseLevel(level);
        if (subject == null) {
            requireAdmin(actor, "WRITE on the global config");
        } else {
            requireWriter(subject, actor);
        }
        String key = subject == null ? GLOBAL : subject;
        String before = repository.compatibility(key).orElse(null);
        repository.putCompatibility(key, parsed.name());
        changes.record(
                actor.name(),
                "schema-config",
                subject == null ? "(global)" : subject,
                "compatibility-set",
                before == null ? null : Map.of("compatibility", before),
                Map.of("compatibility", parsed.name()));
        return parsed;
    }

    @Transactional
    public CompatibilityLevel clearLevel(String subject, Actor actor) {
        requireWriter(subject, actor);
        CompatibilityLevel before = subjectLevel(subject)
                .orElseThrow(() -> new RegistryException(
                        404, 40408, "Subject '" + subject + "' does not have subject-level compatibility configured"));
        repository.deleteCompatibility(subject);
        changes.record(
                actor.name(),
                "schema-config",
                subject,
                "compatibility-cleared",
                Map.of("compatibility", before.name()),
                null);
        return before;
    }

    public String mode(String subject) {
        return repository
                .mode(subject == null ? GLOBAL : subject)
                .or(() -> repository.mode(GLOBAL))
                .orElse("READWRITE");
    }

    @Transactional
    public String setMode(String subject, String mode, Actor actor) {
        requireAdmin(actor, "WRITE on the mode");
        String parsed = mode == null ? "" : mode.toUpperCase(Locale.ROOT);
        if (!parsed.equals("READWRITE") && !parsed.equals("READONLY")) {
            throw new RegistryException(422, 42204, "Invalid mode. Valid values are READWRITE and READONLY");
        }
        repository.putMode(subject == null ? GLOBAL : subject, parsed);
        changes.record(
                actor.name(),
                "schema-mode",
                subject == null ? "(global)" : subject,
                "mode-set",
                null,
                Map.of("mode", parsed));
        return parsed;
    }

    /** Parses a version path segment: a positive integer, {@code latest} or {@code -1}. */
    static int parseVersion(String version) {
        if ("latest".equals(version) || "-1".equals(version)) {
            return -1;
        }
        try {
            int parsed = Integer.parseInt(version);
            if (parsed < 1) {
                throw RegistryException.invalidVersion(version);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw RegistryException.invalidVersion(version);
        }
    }

    static CompatibilityLevel parseLevel(String level) {
        try {
            return CompatibilityLevel.valueOf(String.valueOf(level).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw RegistryException.invalidCompatibility(level);
        }
    }

    /** Parses an Avro schema; anything else is Confluent's 42201. */
    public static Schema parse(String text) {
        if (text == null || text.isBlank()) {
            throw RegistryException.invalidSchema("empty schema");
        }
        try {
            return new Schema.Parser().parse(text);
        } catch (org.apache.avro.AvroRuntimeException | NullPointerException | IllegalArgumentException e) {
            // SchemaParseException, and AvroTypeException for a default that does not fit its type
            throw RegistryException.invalidSchema(why(e));
        }
    }

    /**
     * Avro's reason, without the JSON parser's exception and message it wraps (#13: they reached
     * the answer); a schema that is not JSON is only said to be so.
     */
    private static String why(RuntimeException e) {
        if (e.getCause() instanceof com.fasterxml.jackson.core.JacksonException) {
            return "the schema is not valid JSON";
        }
        String message = e.getMessage() == null
                ? e.getClass().getSimpleName()
                : e.getMessage().lines().findFirst().orElse("");
        return message.replaceAll("^([a-z][\\w$]*\\.)+[A-Z][\\w$]*(Exception|Error): ?", "");
    }

    private SubjectVersion find(String subject, String version, boolean includeDeleted) {
        int wanted = parseVersion(version);
        List<SubjectVersion> versions = repository.versions(subject);
        if (versions.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        List<SubjectVersion> candidates =
                versions.stream().filter(v -> includeDeleted || !v.deleted()).toList();
        if (wanted == -1) {
            return candidates.stream()
                    .max(Comparator.comparingInt(SubjectVersion::version))
                    .orElseThrow(() -> RegistryException.subjectNotFound(subject));
        }
        return candidates.stream()
                .filter(v -> v.version() == wanted)
                .findFirst()
                .orElseThrow(() -> RegistryException.versionNotFound(wanted));
    }

    private List<SubjectVersion> visible(String subject, boolean includeDeleted) {
        List<SubjectVersion> versions = repository.versions(subject).stream()
                .filter(v -> includeDeleted || !v.deleted())
                .toList();
        if (versions.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        return versions;
    }

    private List<VersionedSchema> live(List<SubjectVersion> versions) {
        List<VersionedSchema> live = new ArrayList<>();
        versions.stream()
                .filter(v -> !v.deleted())
                .sorted(Comparator.comparingInt(SubjectVersion::version).reversed())
                .forEach(v -> live.add(new VersionedSchema(
                        v.version(), v.schemaId(), parse(schema(v.schemaId()).canonical()))));
        return live;
    }

    private static List<String> problems(Schema candidate, CompatibilityLevel level, List<VersionedSchema> against) {
        List<String> messages = new ArrayList<>();
        for (VersionedSchema earlier : against) {
            List<Incompatibility> found = level.incompatibilities(candidate, earlier.schema());
            for (Incompatibility incompatibility : found) {
                messages.add("{errorType:'" + incompatibility.getType() + "', description:'" + incompatibility.getType()
                        + " at path '" + incompatibility.getLocation() + "'', additionalInfo:'"
                        + incompatibility.getMessage()
                        + "'}");
            }
            if (!found.isEmpty()) {
                messages.add("{oldSchemaVersion: " + earlier.version() + "}");
                messages.add("{oldSchema: '" + earlier.schema() + "'}");
                messages.add("{compatibility: '" + level + "'}");
            }
        }
        return messages;
    }

    private static String fingerprint(Schema schema) {
        return Sm3.hex(schema.toString());
    }

    private void requireWritable(String subject) {
        if ("READONLY".equals(mode(subject))) {
            throw new RegistryException(422, 42205, "Subject " + subject + " is in read-only mode");
        }
    }

    private void requireWriter(String subject, Actor actor) {
        if (actor.isPlatformAdmin()) {
            return;
        }
        Optional<String> owner = owners.ownerOf(subject);
        if (owner.isEmpty() || !actor.mayManage(owner.get())) {
            throw RegistryException.forbidden("WRITE on subject " + subject);
        }
    }

    private static void requireAdmin(Actor actor, String what) {
        if (!actor.isPlatformAdmin()) {
            throw RegistryException.forbidden(what);
        }
    }
}
