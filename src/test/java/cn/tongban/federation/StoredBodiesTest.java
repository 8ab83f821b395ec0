package cn.tongban.federation;

import static org.assertj.core.api.Assertions.assertThat;

import cn.tongban.signing.DataCipher;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StoredBodiesTest {

    private final DataCipher cipher = new DataCipher(new byte[16]);

    @Test
    void aBodyComesBackByteForByte_deflatedBeforeItIsSealed() {
        StringBuilder json = new StringBuilder("{\"records\":[");
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 2000; i++) {
            json.append("{\"sourceRecordId\":\"gd-")
                    .append(i)
                    .append("\",\"v\":")
                    .append(random.nextInt())
                    .append("},");
        }
        byte[] body = json.append("{}]}").toString().getBytes(StandardCharsets.UTF_8);
        byte[] stored = StoredBodies.seal(cipher, body);
        assertThat(stored.length).isLessThan(body.length / 2);
        assertThat(StoredBodies.open(cipher, cipher.keyId(), stored)).isEqualTo(body);
    }

    @Test
    void aBodySealedWithoutPackingIsReadAsIs() {
        byte[] body = "{\"protocol\":\"TONGBAN-FED/1\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(StoredBodies.open(cipher, cipher.keyId(), cipher.encrypt(body)))
                .isEqualTo(body);
        assertThat(StoredBodies.open(cipher, cipher.keyId(), StoredBodies.seal(cipher, new byte[0])))
                .isEmpty();
    }
}
