package cn.tongban.demo;

import cn.tongban.catalog.DemandList;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.List;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * 演示数据: the running hub's demo province file ({@code tongban.demo.data}, set by
 * DemoProvinceDefaults; Hunan's when unset), read once, and the sections the demo's parts use.
 */
@Component
class DemoData {

    private final JsonMapper json;
    private final ResourceLoader resources;
    private final String location;
    private volatile JsonNode province;
    private volatile SyntheticRecords.Places places;

    DemoData(JsonMapper json, ResourceLoader resources, Environment environment) {
        this.json = json;
        this.resources = resources;
        this.location = environment.getProperty(DemoProvinceDefaults.DATA_SETTING, DemoProvinceChoice.HUNAN.dataFile());
    }

    /** The file's tree, a copy of its own for each caller (callers fill in parts of it). */
    JsonNode province() {
        JsonNode read = province;
        if (read == null) {
            read = read(location);
            province = read;
        }
        return read.deepCopy();
    }

    /** A demand entry ({@code validDays} and the demand) as filed today. */
    DemandList.DemandRequest demand(JsonNode entry, LocalDate today) {
        ObjectNode demand = (ObjectNode) entry.get("demand").deepCopy();
        demand.put("validFrom", today.toString());
        demand.put("validUntil", today.plusDays(entry.get("validDays").asInt()).toString());
        return json.treeToValue(demand, DemandList.DemandRequest.class);
    }

    /** The first participant: present once the demo province is loaded. */
    String firstParticipant() {
        return province()
                .get("participants")
                .get(0)
                .get("participant")
                .get("uscc")
                .asString();
    }

    /** A list of strings in a section, e.g. {@code traffic.feeds}; empty when absent. */
    List<String> strings(String section, String name) {
        return province()
                .path(section)
                .path(name)
                .valueStream()
                .map(JsonNode::asString)
                .toList();
    }

    /** Where the simulated systems' invented records live. */
    SyntheticRecords.Places places() {
        SyntheticRecords.Places read = places;
        if (read == null) {
            read = json.treeToValue(province().get("places"), SyntheticRecords.Places.class);
            places = read;
        }
        return read;
    }

    JsonNode read(String location) {
        try (InputStream in = resources.getResource(location).getInputStream()) {
            return json.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + location, e);
        }
    }
}
