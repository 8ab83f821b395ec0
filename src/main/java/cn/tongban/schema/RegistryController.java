package cn.tongban.schema;

import cn.tongban.security.CurrentActor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Confluent Schema Registry REST API, served under {@code /registry} so that Confluent's and
 * other compatible clients work with {@code schema.registry.url=http://<hub>/registry}. Written
 * here because Confluent's registry cannot be run from Maven Central; paths, bodies, media type
 * and error codes follow Confluent's documentation.
 */
@RestController
@RequestMapping("/registry")
class RegistryController {

    static final MediaType REGISTRY_JSON = MediaType.parseMediaType("application/vnd.schemaregistry.v1+json");

    private final SchemaRegistry registry;
    private final JsonMapper json;

    RegistryController(SchemaRegistry registry, JsonMapper json) {
        this.registry = registry;
        this.json = json;
    }

    @GetMapping({"", "/"})
    ResponseEntity<String> root() {
        return ok(Map.of());
    }

    @GetMapping("/schemas/types")
    ResponseEntity<String> types() {
        return ok(List.of("AVRO"));
    }

    @GetMapping("/schemas/ids/{id}")
    ResponseEntity<String> schemaById(@PathVariable int id) {
        return ok(Map.of("schema", registry.schema(id).canonical()));
    }

    @GetMapping("/schemas/ids/{id}/schema")
    ResponseEntity<String> rawSchemaById(@PathVariable int id) {
        return raw(registry.schema(id).canonical());
    }

    @GetMapping("/schemas/ids/{id}/versions")
    ResponseEntity<String> versionsOfId(@PathVariable int id, @RequestParam(defaultValue = "false") boolean deleted) {
        return ok(registry.usages(id, deleted).stream()
                .map(v -> Map.of("subject", v.subject(), "version", v.version()))
                .toList());
    }

    @GetMapping("/schemas/ids/{id}/subjects")
    ResponseEntity<String> subjectsOfId(@PathVariable int id, @RequestParam(defaultValue = "false") boolean deleted) {
        return ok(registry.usages(id, deleted).stream()
                .map(SubjectVersion::subject)
                .distinct()
                .toList());
    }

    @GetMapping("/subjects")
    ResponseEntity<String> subjects(
            @RequestParam(defaultValue = "false") boolean deleted,
            @RequestParam(defaultValue = "") String subjectPrefix) {
        return ok(registry.subjects(deleted, subjectPrefix));
    }

    @GetMapping("/subjects/{subject}/versions")
    ResponseEntity<String> versions(
            @PathVariable String subject, @RequestParam(defaultValue = "false") boolean deleted) {
        return ok(registry.versions(subject, deleted));
    }

    @PostMapping("/subjects/{subject}/versions")
    ResponseEntity<String> register(@PathVariable String subject, @RequestBody(required = false) String body) {
        int id = registry.register(subject, schemaOf(body), CurrentActor.get());
        return ok(Map.of("id", id));
    }

    @PostMapping("/subjects/{subject}")
    ResponseEntity<String> lookup(
            @PathVariable String subject,
            @RequestParam(defaultValue = "false") boolean deleted,
            @RequestBody(required = false) String body) {
        return ok(registered(registry.lookup(subject, schemaOf(body), deleted)));
    }

    @GetMapping("/subjects/{subject}/versions/{version}")
    ResponseEntity<String> version(
            @PathVariable String subject,
            @PathVariable String version,
            @RequestParam(defaultValue = "false") boolean deleted) {
        return ok(registered(registry.version(subject, version, deleted)));
    }

    @GetMapping("/subjects/{subject}/versions/{version}/schema")
    ResponseEntity<String> rawVersion(@PathVariable String subject, @PathVariable String version) {
        return raw(registry.version(subject, version, false).schema());
    }

    @GetMapping("/subjects/{subject}/versions/{version}/referencedby")
    ResponseEntity<String> referencedBy(@PathVariable String subject, @PathVariable String version) {
        registry.version(subject, version, false);
        return ok(List.of());
    }

    @DeleteMapping("/subjects/{subject}")
    ResponseEntity<String> deleteSubject(
            @PathVariable String subject, @RequestParam(defaultValue = "false") boolean permanent) {
        return ok(registry.deleteSubject(subject, permanent, CurrentActor.get()));
    }

    @DeleteMapping("/subjects/{subject}/versions/{version}")
    ResponseEntity<String> deleteVersion(
            @PathVariable String subject,
            @PathVariable String version,
            @RequestParam(defaultValue = "false") boolean permanent) {
        return ok(registry.deleteVersion(subject, version, permanent, CurrentActor.get()));
    }

    @PostMapping("/compatibility/subjects/{subject}/versions/{version}")
    ResponseEntity<String> compatibleWithVersion(
            @PathVariable String subject,
            @PathVariable String version,
            @RequestParam(defaultValue = "false") boolean verbose,
            @RequestBody(required = false) String body) {
        return ok(report(registry.test(subject, version, schemaOf(body)), verbose));
    }

    @PostMapping("/compatibility/subjects/{subject}/versions")
    ResponseEntity<String> compatibleWithSubject(
            @PathVariable String subject,
            @RequestParam(defaultValue = "false") boolean verbose,
            @RequestBody(required = false) String body) {
        return ok(report(registry.test(subject, null, schemaOf(body)), verbose));
    }

    @GetMapping("/config")
    ResponseEntity<String> globalConfig() {
        return ok(Map.of("compatibilityLevel", registry.globalLevel().name()));
    }

    @PutMapping("/config")
    ResponseEntity<String> setGlobalConfig(@RequestBody(required = false) String body) {
        return ok(Map.of(
                "compatibility",
                registry.setLevel(null, field(body, "compatibility"), CurrentActor.get())
                        .name()));
    }

    @GetMapping("/config/{subject}")
    ResponseEntity<String> subjectConfig(
            @PathVariable String subject, @RequestParam(defaultValue = "false") boolean defaultToGlobal) {
        CompatibilityLevel level = registry.subjectLevel(subject)
                .or(() -> defaultToGlobal ? java.util.Optional.of(registry.globalLevel()) : java.util.Optional.empty())
                .orElseThrow(() -> new RegistryException(
                        404, 40408, "Subject '" + subject + "' does not have subject-level compatibility configured"));
        return ok(Map.of("compatibilityLevel", level.name()));
    }

    @PutMapping("/config/{subject}")
    ResponseEntity<String> setSubjectConfig(@PathVariable String subject, @RequestBody(required = false) String body) {
        return ok(Map.of(
                "compatibility",
                registry.setLevel(subject, field(body, "compatibility"), CurrentActor.get())
                        .name()));
    }

    @DeleteMapping("/config/{subject}")
    ResponseEntity<String> deleteSubjectConfig(@PathVariable String subject) {
        return ok(Map.of(
                "compatibilityLevel",
                registry.clearLevel(subject, CurrentActor.get()).name()));
    }

    @GetMapping("/mode")
    ResponseEntity<String> mode() {
        return ok(Map.of("mode", registry.mode(null)));
    }

    @PutMapping("/mode")
    ResponseEntity<String> setMode(@RequestBody(required = false) String body) {
        return ok(Map.of("mode", registry.setMode(null, field(body, "mode"), CurrentActor.get())));
    }

    @GetMapping("/mode/{subject}")
    ResponseEntity<String> subjectMode(@PathVariable String subject) {
        return ok(Map.of("mode", registry.mode(subject)));
    }

    @PutMapping("/mode/{subject}")
    ResponseEntity<String> setSubjectMode(@PathVariable String subject, @RequestBody(required = false) String body) {
        return ok(Map.of("mode", registry.setMode(subject, field(body, "mode"), CurrentActor.get())));
    }

    /** Confluent's error body, with the problem+json members alongside for generic clients. */
    @ExceptionHandler(RegistryException.class)
    ResponseEntity<String> refused(RegistryException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error_code", e.errorCode());
        body.put("message", e.getMessage());
        body.put("type", "urn:tongban:problem:registry-" + e.errorCode());
        body.put("status", e.httpStatus());
        body.put("detail", e.getMessage());
        return ResponseEntity.status(e.httpStatus()).contentType(REGISTRY_JSON).body(json.writeValueAsString(body));
    }

    private Map<String, Object> registered(SchemaRegistry.Registered r) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("subject", r.subject());
        body.put("version", r.version());
        body.put("id", r.id());
        body.put("schema", r.schema());
        return body;
    }

    private static Map<String, Object> report(SchemaRegistry.CompatibilityReport report, boolean verbose) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("is_compatible", report.compatible());
        if (verbose) {
            body.put("messages", report.messages());
        }
        return body;
    }

    /** The {@code schema} member of a request, checking what Tongban does not support. */
    private String schemaOf(String body) {
        JsonNode request = read(body);
        String type = request.path("schemaType").asString("AVRO");
        if (!"AVRO".equalsIgnoreCase(type)) {
            throw new RegistryException(
                    422, 42201, "Invalid schema: schemaType " + type + " is not supported; use AVRO");
        }
        if (request.path("references").isArray() && !request.path("references").isEmpty()) {
            throw new RegistryException(422, 42201, "Invalid schema: schema references are not supported");
        }
        JsonNode schema = request.path("schema");
        if (!schema.isString()) {
            throw new RegistryException(422, 42201, "Invalid schema: the request has no 'schema' string");
        }
        return schema.asString();
    }

    private String field(String body, String name) {
        return read(body).path(name).asString(null);
    }

    private JsonNode read(String body) {
        if (body == null || body.isBlank()) {
            throw new RegistryException(400, 400, "Request body is required");
        }
        try {
            return json.readTree(body);
        } catch (JacksonException e) {
            throw new RegistryException(400, 400, "Request body is not valid JSON");
        }
    }

    private ResponseEntity<String> ok(Object body) {
        return ResponseEntity.ok().contentType(REGISTRY_JSON).body(json.writeValueAsString(body));
    }

    private static ResponseEntity<String> raw(String schema) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(schema);
    }
}
