package cn.tongban.console;

import static org.assertj.core.api.Assertions.assertThat;

import cn.tongban.support.Api;
import cn.tongban.support.CatalogFixture;
import cn.tongban.support.HubTest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * 目录 in a real headless Chromium: a department administrator of a fresh notary office walks the
 * catalog's tabs — supply list with a resource's fields and schema versions, its demands and
 * their field states, negative list, gap report, supply–demand graph and an agreement — each
 * checked against the API; another notary's agreement with the same provider stays out of sight.
 * Screenshots: target/screenshots/3x-catalog-*.png.
 */
@HubTest
@TestMethodOrder(MethodOrderer.MethodName.class)
class ConsoleCatalogBrowserIT {

    private static ConsoleBrowser console;
    private static WebDriver browser;

    /** The fresh catalog all steps share: made once, through the API. */
    private static Catalog made;

    @LocalServerPort
    int port;

    record Catalog(
            String providerName,
            CatalogFixture.Party provider,
            String notaryName,
            CatalogFixture.Party notary,
            String otherName,
            CatalogFixture.Party other,
            String resource,
            String agreement,
            String otherAgreement,
            String gapField,
            String negativeReason) {}

    @BeforeAll
    static void startBrowser() throws IOException {
        console = ConsoleBrowser.start();
        browser = console.driver();
    }

    @BeforeEach
    void atThisHub() {
        console.at(port);
        if (made == null) {
            made = catalog();
        }
    }

    @AfterAll
    static void stopBrowser() {
        if (console != null) {
            console.close();
        }
    }

    @Test
    void s1_theCatalogHasATabForEachList() {
        console.login(notaryLogin(), CatalogFixture.PASSWORD);
        assertThat(browser.getCurrentUrl()).contains("/console/catalog");
        assertThat(browser.findElements(By.cssSelector("#catalog-tabs a")))
                .extracting(WebElement::getText)
                .containsExactly("接入端点", "供给清单", "需求清单", "负面清单", "缺口报告", "供需关系图", "隔离区");
        assertThat(find(By.id("tab-endpoints")).getAttribute("class")).contains("current");
        console.shot("3x-catalog-endpoints");
    }

    @Test
    void s2_theSupplyListOpensAResourcesFieldsAndSchemaVersions() {
        find(By.id("tab-supply")).click();
        find(By.id("filter-q")).sendKeys(made.resource());
        find(By.id("supply-submit")).click();
        WebElement row = find(By.id("resource-" + made.resource()));
        assertThat(row.getText()).contains(made.providerName(), "学历信息");
        assertThat(browser.findElements(By.cssSelector("#resources tr.resource")))
                .hasSize(1);

        row.findElement(By.cssSelector("a.open-resource")).click();
        WebElement fields = find(By.id("fields-" + made.resource()));
        JsonNode resource =
                api().get("/api/catalog/resources/" + made.resource()).json();
        List<String> shown = new ArrayList<>();
        for (WebElement r : fields.findElements(By.cssSelector("tr.field-row"))) {
            shown.add(String.join(
                    "|",
                    r.getAttribute("data-field"),
                    r.findElement(By.cssSelector("td.title")).getText(),
                    r.findElement(By.cssSelector("td.type")).getText(),
                    r.findElement(By.cssSelector("td.sharing")).getAttribute("data-sharing"),
                    r.findElement(By.cssSelector("td.masking")).getAttribute("data-masking")));
        }
        List<String> expected = new ArrayList<>();
        for (JsonNode f : resource.get("fields")) {
            expected.add(String.join(
                    "|",
                    f.get("name").asString(),
                    f.get("title").asString(),
                    f.get("avroType").asString(),
                    f.get("sharingType").asString(),
                    f.get("masking").asString()));
        }
        assertThat(shown).isEqualTo(expected).hasSize(7);
        assertThat(fields.findElement(By.cssSelector("tr[data-field='religion'] td.sharing"))
                        .getText())
                .isEqualTo("不予共享");
        assertThat(find(By.id("detail-cycle")).getText()).isEqualTo("每日");

        // The resource was updated once: two versions of its subject, the second one current.
        List<String> versions =
                browser.findElements(By.cssSelector("#versions-" + made.resource() + " tr.version")).stream()
                        .map(v -> v.getAttribute("data-version"))
                        .toList();
        String registered = api().get("/registry/subjects/" + made.resource() + "-value/versions")
                .body();
        assertThat(registered).isEqualTo("[" + String.join(",", versions) + "]");
        assertThat(versions).containsExactly("1", "2");
        assertThat(find(By.cssSelector("#versions-" + made.resource() + " tr.version.current"))
                        .getAttribute("data-version"))
                .isEqualTo("2");
        console.shot("3x-catalog-supply-resource");
    }

    @Test
    void s3_theDemandListShowsEachFieldsStateAndLinksTheAgreement() {
        find(By.id("tab-demands")).click();
        WebElement table = find(By.id("demands"));
        assertThat(find(By.id("scope-name")).getText()).isEqualTo(made.notaryName());
        JsonNode agreement =
                api().get("/api/catalog/agreements/" + made.agreement()).json();
        String demand = agreement.get("demandId").asString();
        WebElement row = find(By.id("demand-" + demand));
        Map<String, String> shown = new LinkedHashMap<>();
        row.findElements(By.cssSelector("li.field-state"))
                .forEach(li -> shown.put(li.getAttribute("data-field"), li.getAttribute("data-state")));
        Map<String, String> expected = new LinkedHashMap<>();
        agreement
                .get("fields")
                .forEach(f ->
                        expected.put(f.get("name").asString(), f.get("state").asString()));
        assertThat(shown).isEqualTo(expected);
        assertThat(shown)
                .containsEntry("certificateNo", "GRANTED")
                .containsEntry("idNumber", "PENDING")
                .containsEntry("religion", "REFUSED");
        assertThat(row.findElement(By.cssSelector("li[data-field='idNumber'] .light"))
                        .getText())
                .isEqualTo("待审批");
        assertThat(row.findElement(By.cssSelector("a.agreement-link")).getAttribute("href"))
                .endsWith("/console/catalog/agreements/" + made.agreement());
        // Only the notary's own demands: the other notary's is not on its page.
        assertThat(table.getText()).doesNotContain(made.otherName());
        console.shot("3x-catalog-demands");

        // A status edited into the URL is refused beside the filter, not by an error page.
        console.open("/console/catalog/demands?status=NOPE");
        assertThat(find(By.id("error-status")).getText()).isEqualTo("is not one of the choices");
        assertThat(find(By.id("demand-" + demand)).isDisplayed()).isTrue();
    }

    @Test
    void s4_theNegativeListShowsTheProvidersEntries() {
        find(By.id("tab-negative")).click();
        new Select(find(By.id("filter-provider"))).selectByValue(made.provider().uscc());
        find(By.id("negative-submit")).click();
        find(By.cssSelector("#negative-list tr.entry"));
        JsonNode entries = api().get(
                        "/api/catalog/negative-list?provider=" + made.provider().uscc())
                .json();
        List<WebElement> rows = browser.findElements(By.cssSelector("#negative-list tr.entry"));
        assertThat(rows).hasSize(entries.size()).hasSize(1);
        assertThat(rows.get(0).getText()).contains(made.providerName(), made.resource(), "mobile");
        assertThat(rows.get(0).findElement(By.cssSelector("td.reason")).getText())
                .isEqualTo(made.negativeReason());
        console.shot("3x-catalog-negative");
    }

    @Test
    void s5_theGapReportNamesWhatNobodySupplies() {
        find(By.id("tab-gaps")).click();
        WebElement missing = find(By.cssSelector("#missing-fields tr[data-field='" + made.gapField() + "']"));
        assertThat(missing.getText()).contains(made.notaryName());
        JsonNode report = api().get("/api/catalog/gap-report").json();
        assertThat(report.get("missingFields").findValuesAsString("field")).contains(made.gapField());
        WebElement withheld =
                find(By.cssSelector("#withheld-fields tr[data-code='" + made.resource() + "'][data-field='religion']"));
        assertThat(withheld.getText()).contains("religion");
        console.shot("3x-catalog-gaps");
    }

    @Test
    void s6_theGraphDrawsTheNotarysAgreementsAndOpensOne() {
        find(By.id("tab-graph")).click();
        console.waitFor(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#supply-demand-graph[data-rendered='true'] canvas")));
        WebElement edge = find(By.id("edge-" + made.agreement()));
        assertThat(edge.findElement(By.cssSelector("td.supplier")).getText()).isEqualTo(made.providerName());
        assertThat(edge.findElement(By.cssSelector("td.resource")).getText()).contains(made.resource());
        assertThat(edge.findElement(By.cssSelector("td.demander")).getText()).isEqualTo(made.notaryName());
        // The same provider's agreement with another notary is not the notary's to see.
        assertThat(browser.findElements(By.id("edge-" + made.otherAgreement()))).isEmpty();
        assertThat(find(By.id("graph-edges")).getText()).doesNotContain(made.otherName());
        List<String> apiIds = api().get("/api/catalog/agreements").json().findValuesAsString("id");
        List<String> shownIds = browser.findElements(By.cssSelector("#graph-edges tr.edge")).stream()
                .map(r -> r.getAttribute("id").substring("edge-".length()))
                .toList();
        assertThat(shownIds).containsExactlyInAnyOrderElementsOf(apiIds);
        console.shot("3x-catalog-graph");

        edge.findElement(By.cssSelector("a.agreement-link")).click();
        WebElement fields = find(By.id("agreement-fields"));
        JsonNode agreement =
                api().get("/api/catalog/agreements/" + made.agreement()).json();
        assertThat(find(By.id("agreement-provider")).getText()).contains(made.providerName());
        assertThat(find(By.id("agreement-demander")).getText()).contains(made.notaryName());
        assertThat(find(By.id("agreement-approval-deadline")).getText())
                .contains(agreement.get("approvalDeadline").asString());
        assertThat(find(By.id("agreement-status")).getAttribute("data-status"))
                .isEqualTo(agreement.get("status").asString());
        Map<String, String> states = new HashMap<>();
        fields.findElements(By.cssSelector("tr.agreement-field"))
                .forEach(r -> states.put(r.getAttribute("data-field"), r.getAttribute("data-state")));
        Map<String, String> expected = new HashMap<>();
        agreement
                .get("fields")
                .forEach(f ->
                        expected.put(f.get("name").asString(), f.get("state").asString()));
        assertThat(states).isEqualTo(expected);
        String reason =
                find(By.cssSelector("#agreement-field-religion td.reason")).getText();
        assertThat(reason).isNotBlank();
        console.shot("3x-catalog-agreement");
    }

    @Test
    void s7_anotherNotarysAgreementIsRefusedAsByTheApi() {
        assertThat(api().get("/api/catalog/agreements/" + made.otherAgreement()).status())
                .isEqualTo(404);
        console.open("/console/catalog/agreements/" + made.otherAgreement());
        assertThat(find(By.id("denied")).getText()).isEqualTo("无权访问");
        assertThat(browser.getPageSource()).doesNotContain(made.otherName());
        console.shot("3x-catalog-agreement-refused");
        console.logout();
    }

    @Test
    void s8_aPlatformAdministratorChoosesTheProviderAndSeesBothAgreements() {
        console.login("admin", "tongban-demo");
        console.open("/console/catalog/graph");
        new Select(find(By.id("scope-uscc"))).selectByValue(made.provider().uscc());
        find(By.cssSelector("#scope-form button")).click();
        find(By.id("edge-" + made.agreement()));
        assertThat(find(By.id("edge-" + made.otherAgreement())).getText()).contains(made.otherName());
        console.shot("3x-catalog-graph-admin");
        console.logout();
    }

    /**
     * 隔离区: the provider's system pushes a record with a wrong ID number; the provider's
     * administrator finds it with its reason, is refused again for another wrong one (beside the
     * field, the number not shown back), then corrects it — and the API says it was replayed.
     */
    @Test
    void s9_theProviderCorrectsAQuarantinedRecordAndReplaysIt() {
        CatalogFixture.Party provider = made.provider();
        JsonNode credential = provider.admin()
                .post("/api/catalog/participants/" + provider.uscc() + "/credentials", Map.of())
                .json();
        Api system = Api.at(port)
                .as(credential.get("keyId").asString(), credential.get("secret").asString());
        String source = "Q-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> record = new HashMap<>(Map.of(
                "certificateNo", "105421202005001",
                "name", "隔离甲",
                "idNumber", "430102199505200000",
                "school", "湖南大学",
                "mobile", "13812345678",
                "religion", "无"));
        Api.Reply pushed = system.post(
                "/api/exchange/intake/" + made.resource(),
                Map.of("records", List.of(Map.of("sourceRecordId", source, "record", record))));
        expect(pushed, 202);
        assertThat(pushed.json().get("quarantined").asInt()).isEqualTo(1);

        console.login("adm-" + provider.uscc().toLowerCase().substring(8), CatalogFixture.PASSWORD);
        console.open("/console/catalog/quarantine");
        WebElement row = find(By.cssSelector("#held-records tr[data-source='" + source + "']"));
        assertThat(row.getText()).contains("idNumber").doesNotContain("430102199505200000");
        console.shot("3x-catalog-quarantine");
        row.findElement(By.cssSelector("a.open")).click();

        fill(record, "430102199505200001");
        assertThat(find(By.id("error-record-idNumber")).getText()).isNotBlank();
        assertThat(find(By.id("record-idNumber")).getAttribute("value")).isEmpty();
        assertThat(find(By.id("record-school")).getAttribute("value")).isEqualTo("湖南大学");
        console.shot("3x-catalog-quarantine-refused");

        String good = cn.tongban.identifier.SyntheticIdentifiers.idNumber(
                new java.util.Random(11), "430102", java.time.LocalDate.of(1995, 5, 20));
        fill(record, good);
        assertThat(find(By.id("replayed")).getText()).contains(source);
        assertThat(browser.findElements(By.cssSelector("#held-records tr[data-source='" + source + "']")))
                .isEmpty();
        console.shot("3x-catalog-quarantine-replayed");

        JsonNode replayed = system.get("/api/exchange/quarantine?status=REPLAYED&resource=" + made.resource())
                .json();
        assertThat(replayed.findValuesAsString("sourceRecordId")).contains(source);
        console.logout();
    }

    /** Types the record into the correction form, with this ID number, and submits it. */
    private void fill(Map<String, Object> record, String idNumber) {
        for (Map.Entry<String, Object> field : record.entrySet()) {
            WebElement box = find(By.id("record-" + field.getKey()));
            box.clear();
            box.sendKeys(field.getKey().equals("idNumber") ? idNumber : (String) field.getValue());
        }
        WebElement submit = find(By.id("replay-submit"));
        submit.click();
        console.waitFor(ConsoleBrowser.gone(submit));
    }

    /** The notary's administrator, as CatalogFixture names it. */
    private static String notaryLogin() {
        return "adm-" + made.notary().uscc().toLowerCase().substring(8);
    }

    private Api api() {
        return made.notary().admin();
    }

    private static WebElement find(By by) {
        return console.find(by);
    }

    /**
     * A provider with a degree resource (updated once: two schema versions) and one field on
     * its negative list; a notary's demand (granted, pending and refused fields) and a free-text
     * need nobody supplies; another notary's demand of the same resource.
     */
    private Catalog catalog() {
        CatalogFixture fixture = new CatalogFixture(port);
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String providerName = "教育厅(目录" + suffix + ")";
        String notaryName = "公证处甲(目录" + suffix + ")";
        String otherName = "公证处乙(目录" + suffix + ")";
        CatalogFixture.Party provider = fixture.participant(providerName, "DEPARTMENT");
        CatalogFixture.Party notary = fixture.participant(notaryName, "NOTARY_OFFICE");
        CatalogFixture.Party other = fixture.participant(otherName, "NOTARY_OFFICE");
        String code = CatalogFixture.resourceCode();
        Map<String, Object> resource = CatalogFixture.resource(code, provider.uscc());
        expect(provider.admin().post("/api/catalog/resources", resource), 201);
        Map<String, Object> evolved = CatalogFixture.withField(
                resource, "{\"name\":\"degreeLevel\",\"type\":[\"null\",\"string\"],\"default\":null}", "degreeLevel");
        expect(provider.admin().put("/api/catalog/resources/" + code, evolved), 200);

        Api.Reply filed = notary.admin()
                .post(
                        "/api/catalog/demands",
                        CatalogFixture.demand(notary.uscc(), code, List.of("certificateNo", "idNumber", "religion")));
        expect(filed, 201);
        Api.Reply others = other.admin()
                .post("/api/catalog/demands", CatalogFixture.demand(other.uscc(), code, List.of("certificateNo")));
        expect(others, 201);

        String gapField = "gapField" + suffix;
        Map<String, Object> need = new HashMap<>(CatalogFixture.demand(notary.uscc(), code, List.of(gapField)));
        need.remove("resourceCode");
        need.put("need", "无人提供的测试数据");
        expect(notary.admin().post("/api/catalog/demands", need), 201);

        String reason = "联系电话不对外共享(" + suffix + ")";
        expect(
                provider.admin()
                        .post(
                                "/api/catalog/negative-list",
                                Map.of(
                                        "resourceCode",
                                        code,
                                        "field",
                                        "mobile",
                                        "reason",
                                        reason,
                                        "legalBasis",
                                        "《个人信息保护法》")),
                201);
        return new Catalog(
                providerName,
                provider,
                notaryName,
                notary,
                otherName,
                other,
                code,
                filed.json().at("/agreement/id").asString(),
                others.json().at("/agreement/id").asString(),
                gapField,
                reason);
    }

    private static void expect(Api.Reply reply, int status) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(status);
    }
}
