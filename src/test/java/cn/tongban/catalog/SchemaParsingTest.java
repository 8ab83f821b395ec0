package cn.tongban.catalog;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.tongban.web.ApiException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

/** A schema Avro cannot take is the caller's 400 naming {@code schema}, whatever Avro throws (HostileInputIT found a 500). */
class SchemaParsingTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"n\",\"type\":\"int\",\"default\":1e400000}]}",
                "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"n\",\"type\":\"long\",\"default\":\"x\"}]}",
                "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"n\",\"type\":1e999}]}",
                "{\"type\":\"nonsense\"}"
            })
    void anUnreadableSchemaIsTheCallersMistake(String schema) {
        assertThatThrownBy(() -> SupplyList.parse(JSON.readTree(schema)))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("schema");
    }
}
