package cn.tongban.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import cn.tongban.support.Api;
import java.time.LocalDate;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class JsonRecordsTest {

    static final Schema SCHEMA = new Schema.Parser().parse("""
            {"type":"record","name":"R","fields":[
              {"name":"idNumber","type":"string"},
              {"name":"level","type":{"type":"enum","name":"L","symbols":["A","B"]}},
              {"name":"birthDate","type":{"type":"int","logicalType":"date"}},
              {"name":"months","type":"int"},
              {"name":"mobile","type":["null","string"],"default":null}]}""");

    @Test
    void plainJsonRoundTrips() {
        var json = Api.json(
                "{\"idNumber\":\"11010519491231002X\",\"level\":\"B\",\"birthDate\":\"1949-12-31\",\"months\":12,\"mobile\":null}");
        JsonRecords.Read read = JsonRecords.read(SCHEMA, json);
        assertThat(read.problems()).isEmpty();
        assertThat(JsonRecords.write(read.record())).isEqualTo(json);
        assertThat(QualityRules.check(read.record(), LocalDate.of(2026, 11, 29)))
                .isEmpty();
    }

    @Test
    void problemsNameFieldsAndRulesNotValues() {
        var json = Api.json("{\"idNumber\":7,\"level\":\"C\",\"birthDate\":\"31/12/1949\",\"extra\":1}");
        assertThat(JsonRecords.read(SCHEMA, json).problems())
                .extracting(p -> p.field() + ":" + p.rule())
                .containsExactlyInAnyOrder(
                        "idNumber:type", "level:enum", "birthDate:date", "months:required", "extra:schema-field");
    }

    @Test
    void qualityRulesCheckIdentifiersMobilesAndDates() {
        var json = Api.json(
                "{\"idNumber\":\"110105194912310021\",\"level\":\"A\",\"birthDate\":\"2999-01-01\",\"months\":1,\"mobile\":\"1234\"}");
        JsonRecords.Read read = JsonRecords.read(SCHEMA, json);
        assertThat(QualityRules.check(read.record(), LocalDate.of(2026, 11, 29)))
                .extracting(p -> p.field() + ":" + p.rule())
                .containsExactlyInAnyOrder("idNumber:id-number-gb11643", "birthDate:date-range", "mobile:mobile");
    }
}
