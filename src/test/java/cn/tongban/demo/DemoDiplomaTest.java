package cn.tongban.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * docs/verification.md tells a newcomer what to claim in the demo: the diploma the education
 * department's simulated system invents for one ID number (DemoSuppliers seeds it by the number).
 * If the invented record changes, the documented curl commands stop matching; this says so.
 */
class DemoDiplomaTest {

    @Test
    void theDocumentedDemoDiplomaIsTheOneTheSimulatedSupplierInvents() throws Exception {
        Schema schema = new Schema.Parser().parse(new File("schemas/education/degree-record.avsc"));
        String key = "430102199003070012";
        SyntheticRecords.Places hunan = tools.jackson.databind.json.JsonMapper.builder()
                .build()
                .treeToValue(
                        tools.jackson.databind.json.JsonMapper.builder()
                                .build()
                                .readTree(new File("config/demo/province.json"))
                                .get("places"),
                        SyntheticRecords.Places.class);
        Map<String, Object> record =
                SyntheticRecords.record(schema, new SplittableRandom(key.hashCode()), LocalDate.of(2026, 5, 20), hunan);
        assertThat(record)
                .containsEntry("certificateNo", "CE828487")
                .containsEntry("school", "湖南师范大学")
                .containsEntry("major", "汉语言文学");
        assertThat(Files.readString(Path.of("docs", "verification.md")))
                .contains("ID=" + key, "certificateNo: \"CE828487\", school: \"湖南师范大学\"");
    }
}
