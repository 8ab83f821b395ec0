package cn.tongban.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Sm3Test {

    @Test
    void knownAnswerFromGbT32905() {
        assertThat(Sm3.hex("abc")).isEqualTo("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
        // GB/T 32905 example 2: "abcd" repeated 16 times.
        assertThat(Sm3.hex("abcd".repeat(16)))
                .isEqualTo("debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732");
    }

    @Test
    void hmacDependsOnTheKey() {
        byte[] data = "430102199001010011".getBytes(StandardCharsets.UTF_8);
        String a = HexFormat.of().formatHex(Sm3.hmac("key-a".getBytes(StandardCharsets.UTF_8), data));
        String b = HexFormat.of().formatHex(Sm3.hmac("key-b".getBytes(StandardCharsets.UTF_8), data));
        assertThat(a).hasSize(64).isNotEqualTo(b);
        assertThat(a).isNotEqualTo(HexFormat.of().formatHex(Sm3.digest(data)));
    }
}
