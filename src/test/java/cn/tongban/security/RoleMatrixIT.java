package cn.tongban.security;

import static cn.tongban.security.RoleMatrixIT.Who.ANONYMOUS;
import static cn.tongban.security.RoleMatrixIT.Who.APPROVER;
import static cn.tongban.security.RoleMatrixIT.Who.AUDITOR;
import static cn.tongban.security.RoleMatrixIT.Who.DEPARTMENT_ADMIN;
import static cn.tongban.security.RoleMatrixIT.Who.OPERATOR;
import static cn.tongban.security.RoleMatrixIT.Who.OTHER_ADMIN;
import static cn.tongban.security.RoleMatrixIT.Who.OTHER_APPROVER;
import static cn.tongban.security.RoleMatrixIT.Who.OTHER_SYSTEM;
import static cn.tongban.security.RoleMatrixIT.Who.PLATFORM_ADMIN;
import static cn.tongban.security.RoleMatrixIT.Who.SYSTEM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cn.tongban.identifier.SyntheticIdentifiers;
import cn.tongban.support.Api;
import cn.tongban.support.CatalogFixture;
import cn.tongban.support.CatalogFixture.Party;
import cn.tongban.support.HubTest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Who may do what (#13): every operation of the hub's OpenAPI document, called as every role and
 * as another participant's people and system, against {@link #TABLE}. Denied means 401/403
 * problem+json (or 404 where the hub hides that the thing exists) and nothing written; allowed
 * means neither 401 nor 403. An operation missing from the table fails the test, so it stays complete.
 *
 * <p>"Own" is the participant whose entries the paths name: it supplies the resource, files the
 * demand, owns the endpoint and credentials, and is the provider of the agreement being decided.
 */
@HubTest
class RoleMatrixIT {

    /** The callers: the platform's roles, the own participant's, another participant's, and nobody. */
    enum Who {
        PLATFORM_ADMIN,
        DEPARTMENT_ADMIN,
        APPROVER,
        AUDITOR,
        OPERATOR,
        SYSTEM,
        OTHER_ADMIN,
        OTHER_APPROVER,
        OTHER_SYSTEM,
        ANONYMOUS
    }

    /** What a caller gets: allowed, denied (401/403), or not found (the hub hides that it exists). */
    enum Cell {
        ALLOW,
        DENY,
        HIDE
    }

    static final Set<Who> ALL = EnumSet.complementOf(EnumSet.of(ANONYMOUS));
    static final Set<Who> PUBLIC = EnumSet.allOf(Who.class);
    static final Set<Who> ADMINS = EnumSet.of(PLATFORM_ADMIN, DEPARTMENT_ADMIN);
    static final Set<Who> PLATFORM = EnumSet.of(PLATFORM_ADMIN);
    static final Set<Who> READERS = EnumSet.of(PLATFORM_ADMIN, AUDITOR);
    static final Set<Who> OPERATORS = EnumSet.of(PLATFORM_ADMIN, OPERATOR);
    /** The own participant's people and system, and those who see everything. */
    static final Set<Who> PARTIES = EnumSet.of(PLATFORM_ADMIN, AUDITOR, DEPARTMENT_ADMIN, APPROVER, SYSTEM);
    /** Those the own participant's entries are hidden from. */
    static final Set<Who> STRANGERS = EnumSet.of(OPERATOR, OTHER_ADMIN, OTHER_APPROVER, OTHER_SYSTEM);
    /** A participant's exchange of its own data: its administrators and systems, any participant. */
    static final Set<Who> EXCHANGERS = EnumSet.of(DEPARTMENT_ADMIN, SYSTEM, OTHER_ADMIN, OTHER_SYSTEM);

    /** The expected cells, per operation: who is allowed, who gets a 404; everyone else is denied. */
    static final Map<String, Map<Who, Cell>> TABLE = new LinkedHashMap<>();

    static {
        // Catalog: published within the province (read by all), administered by its own department.
        rule("GET /api/catalog/resources", ALL);
        rule("POST /api/catalog/resources", ADMINS);
        rule("GET /api/catalog/resources/{code}", ALL);
        rule("PUT /api/catalog/resources/{code}", ADMINS);
        rule("GET /api/catalog/negative-list", ALL);
        rule("POST /api/catalog/negative-list", ADMINS);
        rule("DELETE /api/catalog/negative-list/{id}", ADMINS);
        rule("GET /api/catalog/participants", ALL);
        rule("POST /api/catalog/participants", PLATFORM);
        rule("GET /api/catalog/participants/{uscc}", ALL);
        rule("PUT /api/catalog/participants/{uscc}", ADMINS);
        rule("GET /api/catalog/participants/{uscc}/endpoints", ALL);
        rule("POST /api/catalog/participants/{uscc}/endpoints", ADMINS);
        rule("DELETE /api/catalog/participants/{uscc}/endpoints/{id}", ADMINS);
        rule("POST /api/catalog/participants/{uscc}/accounts", PLATFORM);
        rule("GET /api/catalog/participants/{uscc}/credentials", ADMINS);
        rule("POST /api/catalog/participants/{uscc}/credentials", ADMINS);
        rule("DELETE /api/catalog/participants/{uscc}/credentials/{keyId}", ADMINS);
        rule("GET /api/catalog/participants/{uscc}/system-keys", ADMINS);
        rule("POST /api/catalog/participants/{uscc}/system-keys", ADMINS);
        rule("DELETE /api/catalog/participants/{uscc}/system-keys/{keyId}", ADMINS);
        rule("GET /api/catalog/participants/{uscc}/authentication", ADMINS);
        rule("PUT /api/catalog/participants/{uscc}/authentication", ADMINS);
        rule("GET /api/catalog/demands", ALL);
        rule("POST /api/catalog/demands", ADMINS);
        rule("GET /api/catalog/demands/{id}", PARTIES, STRANGERS);
        rule("GET /api/catalog/demands/{id}/matches", PARTIES, STRANGERS);
        rule("POST /api/catalog/demands/{id}/withdraw", ADMINS, STRANGERS);
        // Agreements: lists are filtered to the caller's own; a decision is the provider's approver's alone.
        rule("GET /api/catalog/agreements", ALL);
        rule("GET /api/catalog/agreements/{id}", PARTIES, STRANGERS);
        rule("POST /api/catalog/agreements/{id}/decisions", EnumSet.of(APPROVER));
        rule("POST /api/catalog/agreements/{id}/revoke", EnumSet.of(PLATFORM_ADMIN, DEPARTMENT_ADMIN, APPROVER));
        rule("GET /api/catalog/approvals", ALL);
        rule("GET /api/catalog/gap-report", ALL);
        rule("GET /api/catalog/history", READERS);
        rule("GET /api/calendar/deadline", ALL);
        // People and credentials.
        rule("GET /api/security/me", ALL);
        rule("POST /api/security/accounts", PLATFORM);
        rule("POST /api/security/accounts/{username}/unlock", PLATFORM);
        // The audit ledger: auditors and platform administrators read it; nobody writes through the API.
        rule("GET /api/audit/events", READERS);
        rule("GET /api/audit/lineage", READERS);
        rule("GET /api/audit/summary", READERS);
        rule("GET /api/audit/archives", READERS);
        rule("GET /api/audit/verify", READERS);
        rule("GET /api/audit/bundle", READERS);
        // Cases (办件): registered by the receiving office's staff and systems, decided by the owning
        // office's alone; "own" owns the case the paths name, which the notary's counter received.
        rule("POST /api/cases", EnumSet.of(PLATFORM_ADMIN, DEPARTMENT_ADMIN, SYSTEM));
        rule("GET /api/cases", ALL);
        rule("GET /api/cases/{serial}", PARTIES, STRANGERS);
        rule("POST /api/cases/{serial}/status", EnumSet.of(DEPARTMENT_ADMIN, SYSTEM), STRANGERS);
        // Operations: routes, maintenance, endpoints' dead letters.
        rule("GET /api/ops/routes", OPERATORS);
        rule("GET /api/ops/routes/{id}", OPERATORS);
        rule("GET /api/ops/metrics/history", OPERATORS);
        rule("POST /api/ops/routes/{id}/suspend", OPERATORS);
        rule("POST /api/ops/routes/{id}/resume", OPERATORS);
        rule("POST /api/ops/endpoints/{id}/test", OPERATORS);
        rule("POST /api/ops/endpoints/{id}/dead-letters/replay", OPERATORS);
        rule("GET /api/ops/maintenance", OPERATORS);
        rule("POST /api/ops/maintenance", OPERATORS);
        // Federation: peers registered by platform administrators, watched by operators; the
        // protocol's own paths are open — each message is authenticated by its signature.
        rule("GET /api/federation/peers", OPERATORS);
        // Which catalog resources are other provinces': catalog information, readable by everyone.
        rule("GET /api/federation/remote-resources", ALL);
        rule("GET /api/federation/peers/{province}", OPERATORS);
        rule("POST /api/federation/peers", PLATFORM);
        rule("PUT /api/federation/peers/{province}", PLATFORM);
        rule("POST /api/federation/peers/{province}/test", OPERATORS);
        rule("POST /api/federation/peers/{province}/directory/refresh", OPERATORS);
        rule("POST /federation/messages", PUBLIC);
        rule("GET /federation/directory", PUBLIC);
        // The hub's keys: rotated by a platform administrator only.
        rule("POST /api/ops/hub-keys/rotate", PLATFORM);
        rule("POST /api/ops/data-keys/rotate", PLATFORM);
        // Exchange: a participant's administrator and systems move its data; operators see deliveries.
        rule("POST /api/exchange/intake/{resource}", EnumSet.of(PLATFORM_ADMIN, DEPARTMENT_ADMIN, SYSTEM));
        rule(
                "POST /api/exchange/query/{resource}",
                EnumSet.of(DEPARTMENT_ADMIN, SYSTEM),
                EnumSet.of(OTHER_ADMIN, OTHER_APPROVER, OTHER_SYSTEM));
        rule("GET /api/exchange/mailbox", EXCHANGERS);
        rule("POST /api/exchange/mailbox/ack", EXCHANGERS);
        rule("GET /api/exchange/dead-letters", union(EXCHANGERS, OPERATORS));
        rule("POST /api/exchange/dead-letters/{id}/replay", OPERATORS, ALL);
        rule("GET /api/exchange/deliveries", EnumSet.of(PLATFORM_ADMIN, OPERATOR, AUDITOR));
        rule("GET /api/exchange/status", ALL);
        rule("GET /api/exchange/quarantine", union(EXCHANGERS, OPERATORS));
        // A batch's outcome: its supplier's administrator and systems, and operators; hidden from other participants.
        rule(
                "GET /api/exchange/batches/{id}",
                union(EnumSet.of(DEPARTMENT_ADMIN, SYSTEM), OPERATORS),
                EnumSet.of(OTHER_ADMIN, OTHER_SYSTEM));
        rule(
                "POST /api/exchange/quarantine/{id}/replay",
                EnumSet.of(PLATFORM_ADMIN, DEPARTMENT_ADMIN, SYSTEM),
                EnumSet.of(OPERATOR, OTHER_ADMIN, OTHER_SYSTEM, AUDITOR, APPROVER, OTHER_APPROVER));
        // Consents and verifications are a notary office's own (VerificationIT): the own participant
        // here is a department, so nobody in this table records one or verifies; a consent (the
        // notary's of this province) is hidden from all but those who see everything.
        Set<Who> notTheGrantee =
                EnumSet.of(DEPARTMENT_ADMIN, APPROVER, SYSTEM, OPERATOR, OTHER_ADMIN, OTHER_APPROVER, OTHER_SYSTEM);
        rule("POST /api/consents", EnumSet.noneOf(Who.class));
        rule("GET /api/consents/{id}", READERS, notTheGrantee);
        rule("POST /api/consents/{id}/revoke", PLATFORM, notTheGrantee);
        rule("POST /api/verifications", EnumSet.noneOf(Who.class));
        // Disputes (数据异议): "other" received a record of the own resource and disputes it; the own
        // participant's administrators and systems answer it. Both parties' people read it, and
        // those who see everything; operators do not (DisputesIT).
        Set<Who> notOperators = EnumSet.complementOf(EnumSet.of(OPERATOR, ANONYMOUS));
        rule("POST /api/disputes", EnumSet.of(OTHER_ADMIN, OTHER_SYSTEM), EnumSet.of(DEPARTMENT_ADMIN, SYSTEM));
        rule("GET /api/disputes", notOperators);
        rule("GET /api/disputes/{id}", notOperators, EnumSet.of(OPERATOR));
        rule("POST /api/disputes/{id}/correct", EnumSet.of(DEPARTMENT_ADMIN, SYSTEM), EnumSet.of(OPERATOR));
        rule("POST /api/disputes/{id}/reject", EnumSet.of(DEPARTMENT_ADMIN, SYSTEM), EnumSet.of(OPERATOR));
        rule("GET /api/exchange/hub-certificate", PUBLIC);
        rule("GET /api/exchange/hub-certificates", PUBLIC);
        // Supervision (监督考核): everything to administrators and auditors; a department's people see
        // their own line only (the query names the own department, so others' people are denied).
        rule("GET /api/supervision/report", EnumSet.of(PLATFORM_ADMIN, AUDITOR, DEPARTMENT_ADMIN, APPROVER));
        rule("GET /api/supervision/reports", READERS);
        rule("GET /api/supervision/reports/{period}", READERS);
        rule("POST /api/supervision/reports/{period}", PLATFORM);
        // The schema registry (Confluent's API): read by all; a subject written by its resource's administrators.
        for (String read : List.of(
                "GET /registry",
                "GET /registry/",
                "GET /registry/schemas/types",
                "GET /registry/schemas/ids/{id}",
                "GET /registry/schemas/ids/{id}/schema",
                "GET /registry/schemas/ids/{id}/versions",
                "GET /registry/schemas/ids/{id}/subjects",
                "GET /registry/subjects",
                "GET /registry/subjects/{subject}/versions",
                "POST /registry/subjects/{subject}",
                "GET /registry/subjects/{subject}/versions/{version}",
                "GET /registry/subjects/{subject}/versions/{version}/schema",
                "GET /registry/subjects/{subject}/versions/{version}/referencedby",
                "POST /registry/compatibility/subjects/{subject}/versions/{version}",
                "POST /registry/compatibility/subjects/{subject}/versions",
                "GET /registry/config",
                "GET /registry/config/{subject}",
                "GET /registry/mode",
                "GET /registry/mode/{subject}")) {
            rule(read, ALL);
        }
        rule("POST /registry/subjects/{subject}/versions", ADMINS);
        rule("DELETE /registry/subjects/{subject}", ADMINS);
        rule("DELETE /registry/subjects/{subject}/versions/{version}", ADMINS);
        rule("PUT /registry/config", PLATFORM);
        rule("PUT /registry/config/{subject}", ADMINS);
        rule("DELETE /registry/config/{subject}", ADMINS);
        rule("PUT /registry/mode", PLATFORM);
        rule("PUT /registry/mode/{subject}", PLATFORM);
        // The demo's simulated supplier and demander systems answer the hub's signed calls only: nobody here.
        rule("POST /demo/suppliers/{uscc}/query", EnumSet.noneOf(Who.class));
        rule("POST /demo/demanders/{uscc}/webhook", EnumSet.noneOf(Who.class));
        rule("GET /demo/status", ALL);
        // Spring's error page, open so that an error is shown to whoever caused it.
        for (String method : List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")) {
            rule(method + " /error", PUBLIC);
        }
    }

    private static final Pattern VARIABLE = Pattern.compile("\\{([^}]+)}");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The applicant of the notary's consent. */
    private static final String PERSON = SyntheticIdentifiers.idNumber(RANDOM, "430102", LocalDate.of(1992, 8, 8));

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Test
    void s01_theTableHasARowForEveryOperationAndNoOther() {
        Set<String> documented = documentedOperations();
        assertThat(new TreeSet<>(TABLE.keySet()))
                .as("operations in the OpenAPI document without a row in RoleMatrixIT.TABLE, or rows for none")
                .containsExactlyInAnyOrderElementsOf(documented);
    }

    @Test
    void s02_everyRoleGetsWhatTheTableSays() {
        Province p = new Province();
        List<String> wrong = new ArrayList<>();
        for (String operation : ordered(documentedOperations())) {
            Map<Who, Cell> cells = TABLE.get(operation);
            if (cells == null) {
                continue; // s01 names it
            }
            String before = p.fingerprint();
            for (Who who : Who.values()) {
                if (cells.get(who) != Cell.ALLOW) {
                    Api.Reply reply = p.call(operation, who);
                    String problem = denialProblem(cells.get(who), reply);
                    if (problem != null) {
                        wrong.add(operation + " as " + who + ": " + problem + " — " + abbreviate(reply));
                    }
                }
            }
            if (!p.fingerprint().equals(before)) {
                wrong.add(operation + ": a denied call wrote something");
            }
            for (Who who : Who.values()) {
                if (cells.get(who) == Cell.ALLOW) {
                    Api.Reply reply = p.call(operation, who);
                    if (reply.status() == 401 || reply.status() == 403) {
                        wrong.add(operation + " as " + who + ": expected allowed — " + abbreviate(reply));
                    }
                }
            }
        }
        assertThat(wrong).as("cells that differ from the table").isEmpty();
    }

    private static String denialProblem(Cell expected, Api.Reply reply) {
        boolean problemJson = reply.contentType().startsWith("application/problem+json")
                || reply.contentType().startsWith("application/vnd.schemaregistry.v1+json");
        if (expected == Cell.HIDE) {
            return reply.status() == 404 && problemJson ? null : "expected 404 problem+json";
        }
        return (reply.status() == 401 || reply.status() == 403) && problemJson
                ? null
                : "expected denied (401/403 problem+json)";
    }

    private static String abbreviate(Api.Reply reply) {
        String text = reply.toString();
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }

    private Set<String> documentedOperations() {
        JsonNode paths = Api.at(port).as("admin").get("/v3/api-docs").json().get("paths");
        Set<String> operations = new TreeSet<>();
        paths.properties()
                .forEach(path -> path.getValue()
                        .propertyNames()
                        .forEach(method -> operations.add(method.toUpperCase() + " " + path.getKey())));
        return operations;
    }

    /** Reads first, then writes, removals last, so that what the paths name exists while it is asked about. */
    private static List<String> ordered(Set<String> operations) {
        List<String> ordered = new ArrayList<>(operations);
        ordered.sort(java.util.Comparator.comparingInt((String op) -> op.startsWith("GET ")
                        ? 0
                        : op.startsWith("DELETE ") ? 3 : op.contains("/revoke") || op.contains("/withdraw") ? 2 : 1)
                .thenComparing(Function.identity()));
        return ordered;
    }

    private static void rule(String operation, Set<Who> allowed) {
        rule(operation, allowed, EnumSet.noneOf(Who.class));
    }

    private static void rule(String operation, Set<Who> allowed, Set<Who> hidden) {
        Map<Who, Cell> cells = new EnumMap<>(Who.class);
        for (Who who : Who.values()) {
            // Nobody gets past authentication anonymously except to what is public.
            cells.put(
                    who,
                    allowed.contains(who)
                            ? Cell.ALLOW
                            : hidden.contains(who) && who != ANONYMOUS ? Cell.HIDE : Cell.DENY);
        }
        if (TABLE.put(operation, cells) != null) {
            throw new IllegalStateException("two rows for " + operation);
        }
    }

    private static Set<Who> union(Set<Who> a, Set<Who> b) {
        Set<Who> union = EnumSet.copyOf(a);
        union.addAll(b);
        return union;
    }

    /**
     * A small province of its own: the own participant supplies a resource and files a demand on
     * another's; a notary's demand on the own resource awaits the own approver; one record of the
     * own resource is quarantined and one delivery to the notary is dead.
     */
    final class Province {

        final Api anonymous = Api.at(port);
        final Api admin = anonymous.as("admin");
        final CatalogFixture fixture = new CatalogFixture(port);
        final Party own = fixture.participant("教育厅(矩阵)", "DEPARTMENT");
        final Party supplier = fixture.participant("民政厅(矩阵)", "DEPARTMENT");
        final Party notary = fixture.participant("公证处(矩阵)", "NOTARY_OFFICE");
        final Party other = fixture.participant("人社厅(矩阵)", "DEPARTMENT");
        final String code = CatalogFixture.resourceCode();
        final String spare = CatalogFixture.resourceCode();
        final String supplied = CatalogFixture.resourceCode();
        final Map<Who, Api> callers = new EnumMap<>(Who.class);
        final Map<String, String> variables = new HashMap<>();
        final String schema;
        final String globalLevel;
        final String demandId;
        final String queryAgreement;
        final String notaryAgreement;
        final String consent;
        final String disputed;
        final String dispute;

        Province() {
            created(own.admin().post("/api/catalog/resources", CatalogFixture.resource(code, own.uscc())));
            created(own.admin().post("/api/catalog/resources", CatalogFixture.resource(spare, own.uscc())));
            created(supplier.admin()
                    .post("/api/catalog/resources", CatalogFixture.resource(supplied, supplier.uscc())));
            JsonNode filed = created(notary.admin()
                            .post(
                                    "/api/catalog/demands",
                                    CatalogFixture.demand(notary.uscc(), code, List.of("name", "school", "idNumber"))))
                    .json();
            JsonNode mine = created(this.own
                            .admin()
                            .post(
                                    "/api/catalog/demands",
                                    CatalogFixture.demand(this.own.uscc(), supplied, List.of("certificateNo", "name"))))
                    .json();
            created(other.admin()
                    .post(
                            "/api/catalog/demands",
                            CatalogFixture.demand(other.uscc(), code, List.of("certificateNo", "school"))));
            notaryAgreement = filed.at("/agreement/id").asString();
            consent = created(notary.admin().post("/api/consents", consentBody()))
                    .json()
                    .get("id")
                    .asString();
            demandId = mine.at("/demand/id").asString();
            queryAgreement = mine.at("/agreement/id").asString();
            String endpoint = created(this.own
                            .admin()
                            .post(
                                    "/api/catalog/participants/" + this.own.uscc() + "/endpoints",
                                    Map.of("direction", "DEMAND", "kind", "MAILBOX")))
                    .json()
                    .get("id")
                    .asString();
            // Nobody listens on the discard port: the notary's deliveries die after their retries.
            created(notary.admin()
                    .post(
                            "/api/catalog/participants/" + notary.uscc() + "/endpoints",
                            Map.of("direction", "DEMAND", "kind", "WEBHOOK", "address", "http://127.0.0.1:9/hook")));
            String entry = created(this.own
                            .admin()
                            .post(
                                    "/api/catalog/negative-list",
                                    Map.of(
                                            "resourceCode", code,
                                            "field", "mobile",
                                            "reason", "矩阵测试",
                                            "legalBasis", "测试")))
                    .json()
                    .get("id")
                    .asString();
            String spareKey = credential(this.own).get("keyId").asString();
            String serial = created(notary.admin().post("/api/cases", caseFor(notary.uscc(), this.own.uscc())))
                    .json()
                    .get("serial")
                    .asString();

            callers.put(PLATFORM_ADMIN, admin);
            callers.put(DEPARTMENT_ADMIN, this.own.admin());
            callers.put(APPROVER, this.own.approver());
            callers.put(AUDITOR, anonymous.as("auditor"));
            callers.put(OPERATOR, anonymous.as("ops"));
            callers.put(SYSTEM, system(this.own));
            callers.put(OTHER_ADMIN, other.admin());
            callers.put(OTHER_APPROVER, other.approver());
            callers.put(OTHER_SYSTEM, system(other));
            callers.put(ANONYMOUS, anonymous);

            Api.Reply pushed = callers.get(SYSTEM)
                    .post(
                            "/api/exchange/intake/" + code,
                            Map.of(
                                    "records",
                                    List.of(record("good-1", idNumber()), record("bad-1", "430102199505200000"))));
            assertThat(pushed.status()).as(pushed.toString()).isEqualTo(202);
            String held = jdbc.sql(
                            "select id::text from quarantine where resource_code = ? and source_record_id = 'bad-1'")
                    .param(code)
                    .query(String.class)
                    .single();
            String dead = await().atMost(Duration.ofSeconds(30))
                    .until(
                            () -> jdbc.sql("select id::text from delivery where resource_code = ? and status = 'DEAD'")
                                    .param(code)
                                    .query(String.class)
                                    .optional(),
                            java.util.Optional::isPresent)
                    .orElseThrow();

            disputed = jdbc.sql(
                            "select idempotency_key from delivery where resource_code = ? and demander_uscc = ? and source_record_id = 'good-1'")
                    .params(code, other.uscc())
                    .query(String.class)
                    .single();
            dispute = created(other.admin()
                            .post(
                                    "/api/disputes",
                                    Map.of("deliveryId", disputed, "fields", List.of("school"), "reason", "矩阵测试")))
                    .json()
                    .get("id")
                    .asString();

            schema = admin.get("/registry/subjects/" + code + "-value/versions/1/schema")
                    .body();
            globalLevel = admin.get("/registry/config")
                    .json()
                    .get("compatibilityLevel")
                    .asString();
            int schemaId = admin.get("/registry/subjects/" + code + "-value/versions/1")
                    .json()
                    .get("id")
                    .asInt();
            variables.put("uscc", this.own.uscc());
            variables.put("serial", serial);
            variables.put("code", code);
            variables.put("username", "apr-" + this.own.uscc().toLowerCase().substring(8));
            variables.put("keyId", spareKey);
            variables.put("subject", code + "-value");
            variables.put("version", "1");
            variables.put("province", "650000");
            // A month long past: issuing it (201 once, 409 after) touches no other test's month.
            variables.put("period", "1999-01");
            variables.put("/api/catalog/negative-list/{id}", entry);
            variables.put("/api/catalog/participants/{uscc}/endpoints/{id}", endpoint);
            variables.put("/api/ops/endpoints/{id}", endpoint);
            variables.put("/api/ops/routes/{id}", "no-such-route");
            variables.put("/api/catalog/demands/{id}", demandId);
            variables.put(
                    "/api/catalog/agreements/{id}", filed.at("/agreement/id").asString());
            variables.put("/api/consents/{id}", consent);
            variables.put("/api/disputes/{id}", dispute);
            variables.put("/api/exchange/dead-letters/{id}", dead);
            variables.put("/api/exchange/quarantine/{id}", held);
            variables.put(
                    "/api/exchange/batches/{id}", pushed.json().get("batchId").asString());
            variables.put("/registry/schemas/ids/{id}", Integer.toString(schemaId));
            variables.put("/api/exchange/intake/{resource}", code);
            variables.put("/api/exchange/query/{resource}", supplied);
            // Removals of a subject work on a spare one, so that the others still find theirs.
            variables.put("DELETE /registry/subjects/{subject}", spare + "-value");
        }

        Api.Reply call(String operation, Who who) {
            String method = operation.substring(0, operation.indexOf(' '));
            String template = operation.substring(method.length() + 1);
            String path = fill(operation, template) + query(template);
            Api api = callers.get(who);
            Object body = body(operation);
            return switch (method) {
                case "GET" -> api.get(path);
                case "POST" -> template.startsWith("/registry") ? api.postRegistry(path, body) : api.post(path, body);
                case "PUT" -> api.put(path, body);
                case "DELETE" -> api.delete(path);
                default -> api.send(method, path);
            };
        }

        private String fill(String operation, String template) {
            Matcher m = VARIABLE.matcher(template);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String prefix = template.substring(0, m.end());
                String value = variables.getOrDefault(
                        method(operation) + " " + template.substring(0, m.end()),
                        variables.getOrDefault(prefix, variables.get(m.group(1))));
                if (value == null) {
                    throw new IllegalStateException("no value for " + m.group() + " in " + template);
                }
                m.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            m.appendTail(out);
            return out.toString();
        }

        private static String method(String operation) {
            return operation.substring(0, operation.indexOf(' '));
        }

        private String query(String template) {
            return switch (template) {
                case "/api/exchange/deliveries", "/api/audit/lineage" -> "?resource=" + code + "&sourceRecordId=good-1";
                case "/api/calendar/deadline" -> "?start=2026-11-27&workingDays=10";
                case "/api/audit/bundle", "/api/audit/events" -> "?resource=" + code;
                case "/api/supervision/report" -> "?from=2026-01-01&to=2026-01-31&department=" + own.uscc();
                default -> "";
            };
        }

        /** A new SM2 public key as PEM (SubjectPublicKeyInfo), as a department would register it. */
        private static String publicKeyPem() {
            byte[] spki = cn.tongban.signing.Sm2Signer.generate().getPublic().getEncoded();
            return "-----BEGIN PUBLIC KEY-----\n"
                    + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(spki)
                    + "\n-----END PUBLIC KEY-----\n";
        }

        /** A plausible body: valid, so that the answer is about who calls, not about what is sent. */
        private Object body(String operation) {
            String fresh = UUID.randomUUID().toString().substring(0, 8);
            return switch (operation) {
                case "POST /api/catalog/resources" ->
                    CatalogFixture.resource(CatalogFixture.resourceCode(), own.uscc());
                case "PUT /api/catalog/resources/{code}" -> CatalogFixture.resource(code, own.uscc());
                case "POST /api/catalog/negative-list" ->
                    Map.of("resourceCode", code, "field", "school", "reason", "矩阵测试", "legalBasis", "测试");
                case "POST /api/catalog/participants" ->
                    Map.of(
                            "uscc", SyntheticIdentifiers.uscc(RANDOM, "430100"),
                            "name", "矩阵参与方",
                            "kind", "DEPARTMENT",
                            "regionCode", "430100");
                case "PUT /api/catalog/participants/{uscc}" ->
                    Map.of("uscc", own.uscc(), "name", "教育厅(矩阵)", "kind", "DEPARTMENT", "regionCode", "430100");
                case "POST /api/catalog/participants/{uscc}/endpoints" ->
                    Map.of("direction", "DEMAND", "kind", "MAILBOX");
                case "POST /api/catalog/participants/{uscc}/accounts" -> person("mx-" + fresh, "APPROVER");
                case "POST /api/security/accounts" -> person("mx-" + fresh, "AUDITOR");
                case "POST /api/catalog/demands" ->
                    CatalogFixture.demand(own.uscc(), supplied, List.of("certificateNo"));
                case "POST /api/catalog/agreements/{id}/decisions" ->
                    Map.of("decisions", List.of(Map.of("field", "idNumber", "outcome", "APPROVE")));
                case "POST /api/catalog/agreements/{id}/revoke" -> Map.of("reason", "矩阵测试");
                case "POST /api/ops/routes/{id}/suspend",
                        "POST /api/ops/routes/{id}/resume",
                        "POST /api/ops/endpoints/{id}/dead-letters/replay" -> Map.of("reason", "矩阵测试");
                case "POST /api/ops/maintenance" -> Map.of("on", false, "reason", "矩阵测试");
                case "POST /api/ops/hub-keys/rotate", "POST /api/ops/data-keys/rotate" -> Map.of("reason", "矩阵测试");
                case "POST /api/federation/peers", "PUT /api/federation/peers/{province}" ->
                    Map.of(
                            "province", "650000",
                            "name", "矩阵测试平台",
                            "baseUrl", "http://127.0.0.1:9",
                            "certificatePem",
                                    cn.tongban.signing.HubKeys.ephemeral("CN=matrix")
                                            .certificatePem(),
                            "status", "SUSPENDED",
                            "outboundResources", List.of(),
                            "inboundResources", List.of());
                case "POST /api/catalog/participants/{uscc}/system-keys" ->
                    Map.of("publicKeyPem", publicKeyPem(), "label", "矩阵测试");
                case "PUT /api/catalog/participants/{uscc}/authentication" -> Map.of("requireSignedRequests", false);
                case "POST /api/exchange/intake/{resource}" ->
                    Map.of("records", List.of(record("mx-" + fresh, idNumber())));
                case "POST /api/exchange/query/{resource}" ->
                    Map.of("key", "10542120200500001", "agreementId", queryAgreement);
                case "POST /api/exchange/mailbox/ack" -> Map.of("ids", List.of(Long.MAX_VALUE));
                case "POST /api/consents" -> consentBody();
                case "POST /api/disputes" ->
                    Map.of("deliveryId", disputed, "fields", List.of("school"), "reason", "矩阵测试");
                case "POST /api/disputes/{id}/correct" ->
                    Map.of("record", record("good-1", idNumber()).get("record"), "reason", "矩阵测试");
                case "POST /api/disputes/{id}/reject" -> Map.of("reason", "矩阵测试");
                case "POST /api/consents/{id}/revoke" -> Map.of("reason", "矩阵测试");
                case "POST /api/verifications" ->
                    Map.of(
                            "resourceCode",
                            code,
                            "agreementId",
                            notaryAgreement,
                            "caseNumber",
                            "(2026)矩阵第1号",
                            "purpose",
                            "学历公证核验",
                            "consentId",
                            consent,
                            "subject",
                            Map.of("idNumber", PERSON),
                            "claims",
                            Map.of("school", "湖南大学"));
                case "POST /api/exchange/quarantine/{id}/replay" ->
                    Map.of("record", record("bad-1", idNumber()).get("record"));
                case "POST /registry/subjects/{subject}/versions",
                        "POST /registry/subjects/{subject}",
                        "POST /registry/compatibility/subjects/{subject}/versions/{version}",
                        "POST /registry/compatibility/subjects/{subject}/versions" -> Map.of("schema", schema);
                case "PUT /registry/config" -> Map.of("compatibility", globalLevel);
                case "PUT /registry/config/{subject}" -> Map.of("compatibility", "BACKWARD");
                case "PUT /registry/mode", "PUT /registry/mode/{subject}" -> Map.of("mode", "READWRITE");
                case "POST /api/cases" -> caseFor(own.uscc(), supplier.uscc());
                case "POST /api/cases/{serial}/status" -> Map.of("status", "ACCEPTED");
                default -> Map.of();
            };
        }

        /**
         * What a denied call must leave as it was: the catalog, accounts, registry and route
         * controls, and the ledger's catalog and account entries and this province's exchange.
         */
        String fingerprint() {
            StringBuilder sql = new StringBuilder("select md5(concat_ws('|'");
            for (String table : List.of(
                    "participant",
                    "endpoint",
                    "resource",
                    "resource_field",
                    "negative_list_entry",
                    "demand",
                    "demand_field",
                    "agreement",
                    "agreement_field",
                    "registry_subject_version",
                    "registry_config",
                    "registry_mode",
                    "route_control",
                    "case_file",
                    "case_step",
                    "consent",
                    "federation_peer")) {
                sql.append(", (select md5(coalesce(string_agg(t::text, ',' order by t::text), '')) from ")
                        .append(table)
                        .append(" t)");
            }
            sql.append(", (select md5(coalesce(string_agg(concat_ws(',', username, roles, secret_hash, revoked_at),"
                    + " ',' order by username), '')) from account)");
            sql.append(", (select count(*) from catalog_change)");
            // Deliveries retry and die by themselves (a replay allowed a moment ago): only new ones count.
            // A refused verification is audited by design (VERIFICATION_REFUSED), as a failed login is.
            sql.append(", (select count(*) from ledger_event where type like 'CHANGE:%' or type like 'ACCOUNT_%'"
                    + " or (resource_code in (:codes)"
                    + " and type not in ('DELIVERY_FAILED', 'DELIVERED', 'VERIFICATION_REFUSED')))");
            sql.append(", (select count(*) from delivery where resource_code in (:codes))");
            sql.append(", (select md5(coalesce(string_agg(d::text, ',' order by d.id), ''))"
                    + " from dispute d where resource_code in (:codes))");
            sql.append(", (select md5(coalesce(string_agg(concat_ws(',', id, status), ',' order by id), ''))"
                    + " from quarantine where resource_code in (:codes))");
            sql.append("))");
            return jdbc.sql(sql.toString())
                    .param("codes", List.of(code, spare, supplied))
                    .query(String.class)
                    .single();
        }

        /** The notary's record of an applicant's consent to verify two fields of the own resource. */
        private Map<String, Object> consentBody() {
            return Map.of(
                    "subject", Map.of("idNumber", PERSON),
                    "granteeUscc", notary.uscc(),
                    "resourceCode", code,
                    "fields", List.of("name", "school"),
                    "purpose", "学历公证核验",
                    "serviceItemCode", "GZ-XLGZ-0001",
                    "evidenceDigest", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",
                    "validUntil", LocalDate.now().plusDays(30).toString(),
                    "givenAt", java.time.Instant.now().minusSeconds(60).toString());
        }

        private Api system(Party party) {
            JsonNode issued = credential(party);
            return anonymous.as(
                    issued.get("keyId").asString(), issued.get("secret").asString());
        }

        private JsonNode credential(Party party) {
            return created(party.admin().post("/api/catalog/participants/" + party.uscc() + "/credentials", Map.of()))
                    .json();
        }

        private static Map<String, Object> person(String username, String role) {
            return Map.of(
                    "username",
                    username,
                    "password",
                    "Matrix-Passw0rd-" + username.length(),
                    "displayName",
                    username,
                    "roles",
                    List.of(role));
        }

        private static Api.Reply created(Api.Reply reply) {
            assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
            return reply;
        }

        /** A case received by one office for a service item another office of this province owns. */
        private static Map<String, Object> caseFor(String receivingOffice, String owningOffice) {
            return Map.of(
                    "serviceItemCode", "MX-HKQY-0001",
                    "serviceItemName", "户口迁移(矩阵)",
                    "mode", "PROXY",
                    "applicant", Map.of("type", "PERSON", "idNumber", idNumber(), "name", "测试"),
                    "receivingOfficeUscc", receivingOffice,
                    "owningProvince", "430000",
                    "owningOfficeUscc", owningOffice);
        }

        private static String idNumber() {
            return SyntheticIdentifiers.idNumber(RANDOM, "430102", LocalDate.of(1995, 5, 20));
        }

        private static Map<String, Object> record(String sourceId, String idNumber) {
            return Map.of(
                    "sourceRecordId",
                    sourceId,
                    "record",
                    Map.of(
                            "certificateNo", "105421202005001",
                            "name", "测试",
                            "idNumber", idNumber,
                            "school", "湖南大学",
                            "mobile", "13812345678",
                            "religion", "无"));
        }
    }
}
