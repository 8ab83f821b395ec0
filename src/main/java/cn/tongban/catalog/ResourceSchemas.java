package cn.tongban.catalog;

import cn.tongban.catalog.internal.ResourceRepository;
import cn.tongban.schema.RegistryException;
import cn.tongban.schema.SchemaRegistry;
import cn.tongban.security.Actor;
import cn.tongban.web.ApiException;
import cn.tongban.web.ApiException.FieldProblem;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Keeps each resource's schema registered under {@code <code>-value}: on publication and update
 * (an incompatible schema refuses the catalog change with the compatibility report), and at start
 * for every resource in the catalog. The catalog decides which fields are shared; a field that
 * reaches the registry without being catalogued is shared with nobody.
 */
@Component
@Order(20)
class ResourceSchemas implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(ResourceSchemas.class);

    private final SchemaRegistry registry;
    private final ResourceRepository resources;

    ResourceSchemas(SchemaRegistry registry, ResourceRepository resources) {
        this.registry = registry;
        this.resources = resources;
    }

    /** Registers the resource's schema; call inside the catalog change's transaction. */
    int register(Resource resource, Actor actor) {
        String subject = SchemaRegistry.valueSubject(resource.code());
        try {
            return registry.register(subject, resource.avroSchema(), actor);
        } catch (RegistryException e) {
            List<FieldProblem> problems = e.details().isEmpty()
                    ? List.of(new FieldProblem("schema", "registry-" + e.errorCode(), e.getMessage()))
                    : e.details().stream()
                            .map(detail -> new FieldProblem(
                                    "schema",
                                    "compatibility-"
                                            + registry.effectiveLevel(subject)
                                                    .name()
                                                    .toLowerCase(),
                                    detail))
                            .toList();
            throw new ApiException(
                    HttpStatus.CONFLICT,
                    "schema: not compatible with the registered versions of " + subject + " under "
                            + registry.effectiveLevel(subject),
                    problems);
        }
    }

    /** Whether the resource's subject has this (live) version. */
    boolean hasVersion(String resourceCode, int version) {
        return registry.versions(SchemaRegistry.valueSubject(resourceCode), false)
                .contains(version);
    }

    @Override
    public void run(ApplicationArguments args) {
        Actor actor = Actor.platform("schema-registration");
        int registered = 0;
        for (Resource resource : resources.all()) {
            try {
                registry.register(SchemaRegistry.valueSubject(resource.code()), resource.avroSchema(), actor);
                registered++;
            } catch (RegistryException e) {
                log.warn("resource {}: schema not registered: {}", resource.code(), e.getMessage());
            }
        }
        log.info("schema registry holds the schemas of {} resources", registered);
    }
}
