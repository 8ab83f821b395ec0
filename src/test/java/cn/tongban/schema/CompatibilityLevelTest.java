package cn.tongban.schema;

import static org.assertj.core.api.Assertions.assertThat;

import cn.tongban.schema.CompatibilityLevel.VersionedSchema;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class CompatibilityLevelTest {

    static final Schema V1 = schema("{\"name\":\"no\",\"type\":\"string\"}");
    static final Schema ADDS_OPTIONAL = schema(
            "{\"name\":\"no\",\"type\":\"string\"},{\"name\":\"mail\",\"type\":[\"null\",\"string\"],\"default\":null}");
    static final Schema ADDS_REQUIRED =
            schema("{\"name\":\"no\",\"type\":\"string\"},{\"name\":\"mail\",\"type\":\"string\"}");
    static final Schema DROPS_FIELD = schema("{\"name\":\"other\",\"type\":[\"null\",\"string\"],\"default\":null}");

    @Test
    void backwardAllowsANewReaderWithDefaultsAndRefusesARequiredNewField() {
        assertThat(CompatibilityLevel.BACKWARD.incompatibilities(ADDS_OPTIONAL, V1))
                .isEmpty();
        assertThat(CompatibilityLevel.BACKWARD.incompatibilities(ADDS_REQUIRED, V1))
                .singleElement()
                .satisfies(i -> assertThat(i.getType().name()).isEqualTo("READER_FIELD_MISSING_DEFAULT_VALUE"));
    }

    @Test
    void forwardAsksTheOldReaderToReadTheNewData() {
        assertThat(CompatibilityLevel.FORWARD.incompatibilities(ADDS_REQUIRED, V1))
                .isEmpty();
        assertThat(CompatibilityLevel.FORWARD.incompatibilities(DROPS_FIELD, V1))
                .isNotEmpty();
    }

    @Test
    void fullNeedsBothDirections() {
        assertThat(CompatibilityLevel.FULL.incompatibilities(ADDS_OPTIONAL, V1)).isEmpty();
        assertThat(CompatibilityLevel.FULL.incompatibilities(ADDS_REQUIRED, V1)).isNotEmpty();
        assertThat(CompatibilityLevel.NONE.incompatibilities(DROPS_FIELD, V1)).isEmpty();
    }

    @Test
    void transitiveLevelsCheckEveryEarlierVersionOthersOnlyTheLatest() {
        List<VersionedSchema> newestFirst = List.of(
                new VersionedSchema(3, 30, ADDS_OPTIONAL),
                new VersionedSchema(2, 20, V1),
                new VersionedSchema(1, 10, V1));
        assertThat(CompatibilityLevel.BACKWARD.toCheck(newestFirst))
                .extracting(VersionedSchema::version)
                .containsExactly(3);
        assertThat(CompatibilityLevel.BACKWARD_TRANSITIVE.toCheck(newestFirst))
                .extracting(VersionedSchema::version)
                .containsExactly(3, 2, 1);
        assertThat(CompatibilityLevel.NONE.toCheck(newestFirst)).isEmpty();
    }

    static Schema schema(String fields) {
        return new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[" + fields + "]}");
    }
}
