package cn.tongban.demo;

import cn.tongban.catalog.DemandList;
import cn.tongban.catalog.NegativeList;
import cn.tongban.catalog.ParticipantRegistry;
import cn.tongban.catalog.SupplyList;
import cn.tongban.security.Accounts;
import cn.tongban.security.Actor;
import cn.tongban.security.Role;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * 演示省份: loads the demo province's file (DemoData: {@code config/demo/province.json} for Hunan,
 * {@code guangdong.json} for Guangdong) through the same services the API uses (so demo data passes
 * every rule), once, into an empty hub. Demo logins share one password.
 */
@Component
@Order(10)
class DemoProvince implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(DemoProvince.class);
    private static final Actor LOADER = Actor.platform("demo-loader");

    private final ParticipantRegistry participants;
    private final SupplyList supplyList;
    private final NegativeList negativeList;
    private final DemandList demands;
    private final Accounts accounts;
    private final JsonMapper json;
    private final DemoData data;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final Environment environment;

    DemoProvince(
            ParticipantRegistry participants,
            SupplyList supplyList,
            NegativeList negativeList,
            DemandList demands,
            Accounts accounts,
            JsonMapper json,
            DemoData data,
            TransactionTemplate transaction,
            Clock clock,
            Environment environment) {
        this.participants = participants;
        this.supplyList = supplyList;
        this.negativeList = negativeList;
        this.demands = demands;
        this.accounts = accounts;
        this.json = json;
        this.data = data;
        this.transaction = transaction;
        this.clock = clock;
        this.environment = environment;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!enabled()) {
            return;
        }
        JsonNode province = data.province();
        if (participants.exists(data.firstParticipant())) {
            log.info("demo province already loaded");
            return;
        }
        transaction.executeWithoutResult(status -> load(province));
        log.info(
                "demo province loaded: {} participants, {} resources, {} demands; logins use the password in tongban.demo.password",
                province.get("participants").size(),
                province.get("resources").size(),
                province.get("demands").size());
    }

    private void load(JsonNode province) {
        String password = environment.getProperty("tongban.demo.password", "tongban-demo");
        if (!accounts.exists("admin")) {
            accounts.createPerson("admin", password, "平台管理员", null, Set.of(Role.PLATFORM_ADMIN), LOADER);
        }
        accounts.createPerson("auditor", password, "审计员", null, Set.of(Role.AUDITOR), LOADER);
        accounts.createPerson("ops", password, "运维值班", null, Set.of(Role.OPERATOR), LOADER);
        for (JsonNode entry : province.get("participants")) {
            var request = json.treeToValue(entry.get("participant"), ParticipantRegistry.ParticipantRequest.class);
            participants.register(request, LOADER);
            String shortName = entry.get("short").asString();
            accounts.createPerson(
                    shortName + "-admin",
                    password,
                    request.name() + " 管理员",
                    request.uscc(),
                    Set.of(Role.DEPARTMENT_ADMIN),
                    LOADER);
            accounts.createPerson(
                    shortName + "-approver",
                    password,
                    request.name() + " 审批人",
                    request.uscc(),
                    Set.of(Role.APPROVER),
                    LOADER);
        }
        for (JsonNode entry : province.get("resources")) {
            ObjectNode resource = (ObjectNode) entry.get("resource");
            resource.set(
                    "schema",
                    data.read("classpath:schemas/" + entry.get("schemaFile").asString()));
            supplyList.publish(json.treeToValue(resource, SupplyList.ResourceRequest.class), LOADER);
        }
        for (JsonNode entry : province.get("negativeList")) {
            negativeList.add(json.treeToValue(entry, NegativeList.EntryRequest.class), LOADER);
        }
        LocalDate today = LocalDate.now(clock);
        for (JsonNode entry : province.get("demands")) {
            demands.file(data.demand(entry, today), LOADER);
        }
    }

    private boolean enabled() {
        return enabled(environment);
    }

    /** The demo province is on when asked for, or by default when no database is configured. */
    static boolean enabled(Environment environment) {
        String setting = environment.getProperty("tongban.demo.enabled", "");
        if (!setting.isBlank()) {
            return Boolean.parseBoolean(setting);
        }
        return environment.getProperty("spring.datasource.url", "").isBlank();
    }
}
