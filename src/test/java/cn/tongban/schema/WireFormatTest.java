package cn.tongban.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WireFormatTest {

    @Test
    void framesWithMagicByteAndBigEndianId() {
        byte[] framed = WireFormat.frame(0x01020304, new byte[] {42});
        assertThat(framed).containsExactly(0, 1, 2, 3, 4, 42);
    }

    @ParameterizedTest
    @MethodSource("idsAndPayloads")
    void theIdSurvivesFraming(int id, byte[] payload) {
        byte[] framed = WireFormat.frame(id, payload);
        assertThat(WireFormat.schemaId(framed)).isEqualTo(id);
        assertThat(framed).hasSize(payload.length + WireFormat.HEADER_LENGTH);
    }

    /** The edge ids with an empty payload, then random ids with random payloads of 0–64 bytes. */
    static Stream<Arguments> idsAndPayloads() {
        Stream<Arguments> edges = IntStream.of(0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE)
                .mapToObj(id -> Arguments.of(id, new byte[0]));
        Random random = new Random(0x00C0FFEEL);
        Stream<Arguments> randoms = IntStream.range(0, 195).mapToObj(i -> {
            byte[] payload = new byte[random.nextInt(65)];
            random.nextBytes(payload);
            return Arguments.of(random.nextInt(), payload);
        });
        return Stream.concat(edges, randoms);
    }

    @Test
    void refusesWhatIsNotTheWireFormat() {
        assertThatThrownBy(() -> WireFormat.schemaId(new byte[] {1, 0, 0, 0, 1}))
                .isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> WireFormat.schemaId(new byte[] {0, 0})).isInstanceOf(SerializationException.class);
    }
}
