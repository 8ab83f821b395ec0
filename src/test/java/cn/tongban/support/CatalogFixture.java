package cn.tongban.support;

import static org.assertj.core.api.Assertions.assertThat;

import cn.tongban.identifier.SyntheticIdentifiers;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Builds fresh participants, logins and resources through the API, so that each test works on
 * data of its own even against a shared database.
 */
public final class CatalogFixture {

    public static final String PASSWORD = "fixture-password-1";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Api admin;
    private final Api anonymous;

    public CatalogFixture(int port) {
        this.anonymous = Api.at(port);
        this.admin = anonymous.as("admin");
    }

    /** A registered participant with an administrator and an approver login. */
    public record Party(String uscc, Api admin, Api approver) {}

    public Party participant(String name, String kind) {
        return participant(name, kind, "430100");
    }

    /** A participant in the region given (e.g. 440100 for a Guangdong department on a Guangdong hub). */
    public Party participant(String name, String kind, String region) {
        String uscc = SyntheticIdentifiers.uscc(RANDOM, region);
        Api.Reply reply = admin.post(
                "/api/catalog/participants",
                Map.of("uscc", uscc, "name", name, "kind", kind, "regionCode", region, "contactOffice", "数据科"));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        String tag = uscc.toLowerCase().substring(8);
        login(uscc, "adm-" + tag, "DEPARTMENT_ADMIN");
        login(uscc, "apr-" + tag, "APPROVER");
        return new Party(uscc, anonymous.as("adm-" + tag, PASSWORD), anonymous.as("apr-" + tag, PASSWORD));
    }

    private void login(String uscc, String username, String role) {
        Api.Reply reply = admin.post(
                "/api/catalog/participants/" + uscc + "/accounts",
                Map.of("username", username, "password", PASSWORD, "displayName", username, "roles", List.of(role)));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
    }

    /** A resource code no other test uses. */
    public static String resourceCode() {
        return "TS-"
                + UUID.randomUUID().toString().substring(0, 8).toUpperCase().replaceAll("[^0-9A-Z]", "0");
    }

    /** A degree-record-like resource: some fields unconditional, two conditional, one never shared. */
    public static Map<String, Object> resource(String code, String providerUscc) {
        Map<String, Object> schema = Map.of(
                "type", "record",
                "name", "Degree",
                "namespace", "cn.tongban.test",
                "fields",
                        List.of(
                                Map.of("name", "certificateNo", "type", "string"),
                                Map.of("name", "name", "type", "string"),
                                Map.of("name", "idNumber", "type", "string"),
                                Map.of("name", "school", "type", "string"),
                                Map.of("name", "mobile", "type", "string"),
                                Map.of("name", "religion", "type", "string")));
        return Map.ofEntries(
                Map.entry("code", code),
                Map.entry("name", "学历信息"),
                Map.entry("providerUscc", providerUscc),
                Map.entry("summary", "测试用学历信息"),
                Map.entry("category", "THEME"),
                Map.entry("format", "Avro"),
                Map.entry("schema", schema),
                Map.entry(
                        "fields",
                        List.of(
                                field("certificateNo", "证书编号", "UNCONDITIONAL", "PERSONAL", "NONE"),
                                field("name", "姓名", "UNCONDITIONAL", "PERSONAL", "NAME"),
                                field("idNumber", "公民身份号码", "CONDITIONAL", "SENSITIVE_PERSONAL", "ID_NUMBER"),
                                field("school", "院校", "UNCONDITIONAL", "GENERAL", "NONE"),
                                field("mobile", "联系电话", "CONDITIONAL", "PERSONAL", "MOBILE"),
                                field("religion", "宗教信仰", "NOT_SHARED", "SENSITIVE_PERSONAL", "REDACT"))),
                Map.entry("sharingModes", List.of("QUERY", "SUBSCRIBE")),
                Map.entry("sharingCondition", "仅供法定事项使用"),
                Map.entry("updateCycle", "DAILY"),
                Map.entry("publishedOn", "2026-01-01"));
    }

    public static Map<String, Object> demand(String requesterUscc, String resourceCode, List<String> fields) {
        LocalDate today = LocalDate.now(java.time.ZoneId.of("Asia/Shanghai"));
        return Map.of(
                "requesterUscc",
                requesterUscc,
                "resourceCode",
                resourceCode,
                "fields",
                fields,
                "serviceItemCode",
                "GZ-XLGZ-0001",
                "purpose",
                "学历公证核验",
                "legalBasis",
                "《公证法》第二十九条",
                "mode",
                "REALTIME",
                "validFrom",
                today.toString(),
                "validUntil",
                today.plusYears(1).toString());
    }

    /** The resource with one more schema field (JSON) catalogued as a conditional personal field. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> withField(Map<String, Object> resource, String fieldJson, String fieldName) {
        Map<String, Object> evolved = new java.util.HashMap<>(resource);
        Map<String, Object> schema = new java.util.HashMap<>((Map<String, Object>) resource.get("schema"));
        List<Object> fields = new java.util.ArrayList<>((List<Object>) schema.get("fields"));
        fields.add(Api.json(fieldJson));
        schema.put("fields", fields);
        evolved.put("schema", schema);
        List<Object> catalogued = new java.util.ArrayList<>((List<Object>) resource.get("fields"));
        catalogued.add(
                Map.of("name", fieldName, "title", fieldName, "sharingType", "CONDITIONAL", "sensitivity", "PERSONAL"));
        evolved.put("fields", catalogued);
        return evolved;
    }

    private static Map<String, Object> field(
            String name, String title, String sharing, String sensitivity, String masking) {
        return Map.of(
                "name", name, "title", title, "sharingType", sharing, "sensitivity", sensitivity, "masking", masking);
    }
}
