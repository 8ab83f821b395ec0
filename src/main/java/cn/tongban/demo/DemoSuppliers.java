package cn.tongban.demo;

import cn.tongban.catalog.Resource;
import cn.tongban.catalog.SupplyList;
import cn.tongban.identifier.IdNumber;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.springframework.core.env.Environment;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * 模拟供方查询接口: the demo supplier systems' query endpoint, which the hub calls for synchronous
 * queries (接口 mode) the way it would call a department's real one. It answers every valid ID
 * number with the same invented record each time (seeded by the number), and 404 for anything else;
 * nobody real is in it. Like a real one it answers the hub only (HubCallCheck): 401 for any other
 * caller. Off unless the demo province is on.
 */
@RestController
@RequestMapping("/demo/suppliers")
class DemoSuppliers {

    private final SupplyList supplyList;
    private final DemoData data;
    private final Clock clock;
    private final Environment environment;
    private final HubCallCheck hubCalls;
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

    DemoSuppliers(SupplyList supplyList, DemoData data, Clock clock, Environment environment, HubCallCheck hubCalls) {
        this.supplyList = supplyList;
        this.data = data;
        this.clock = clock;
        this.environment = environment;
        this.hubCalls = hubCalls;
    }

    /** The body the hub sends, signed by the hub: {@code {"resourceCode", "key"}}. */
    @PostMapping("/{uscc}/query")
    ResponseEntity<Map<String, Object>> query(
            @PathVariable String uscc, @RequestBody byte[] request, HttpServletRequest http) {
        if (!DemoProvince.enabled(environment)) {
            return ResponseEntity.notFound().build();
        }
        // A real department's system answers only the hub: nothing about what it holds.
        JsonNode body = hubCalls.hubsJson(http, request);
        String code = body.path("resourceCode").asString("");
        String key = body.path("key").asString("");
        if (!IdNumber.isValid(key)) {
            return ResponseEntity.notFound().build();
        }
        Resource resource = supplyList.list(uscc, null, null).stream()
                .filter(r -> r.code().equals(code))
                .findFirst()
                .orElse(null);
        if (resource == null) {
            return ResponseEntity.notFound().build();
        }
        Schema schema = schemas.computeIfAbsent(
                code + "@" + resource.updatedAt(), k -> new Schema.Parser().parse(resource.avroSchema()));
        Map<String, Object> record = SyntheticRecords.record(
                schema, new SplittableRandom(key.hashCode()), LocalDate.now(clock), data.places());
        if (record.containsKey("idNumber")) {
            record.put("idNumber", key);
        }
        return ResponseEntity.ok(Map.of("record", record));
    }
}
