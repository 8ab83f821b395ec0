package cn.tongban.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class WireFormatTest {

    @Test
    void framesWithMagicByteAndBigEndianId() {
        byte[] framed = WireFormat.frame(0x01020304, new byte[] {42});
        assertThat(framed).containsExactly(0, 1, 2, 3, 4, 42);
    }

    @Property
    void theIdSurvivesFraming(@ForAll int id, @ForAll byte[] payload) {
        byte[] framed = WireFormat.frame(id, payload);
        assertThat(WireFormat.schemaId(framed)).isEqualTo(id);
        assertThat(framed).hasSize(payload.length + WireFormat.HEADER_LENGTH);
    }

    @Test
    void refusesWhatIsNotTheWireFormat() {
        assertThatThrownBy(() -> WireFormat.schemaId(new byte[] {1, 0, 0, 0, 1}))
                .isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> WireFormat.schemaId(new byte[] {0, 0})).isInstanceOf(SerializationException.class);
    }
}
