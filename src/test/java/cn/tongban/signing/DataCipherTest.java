package cn.tongban.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SM4 data key rotation: new data under the new key, everything stored before still readable. */
class DataCipherTest {

    private static final byte[] PLAIN = "an encrypted record, 记录".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void afterARotationNewDataUsesTheNewKeyAndOldDataStaysReadable() {
        byte[] first = key(1);
        byte[] second = key(2);
        DataCipher before = new DataCipher(first);
        byte[] legacy = before.encrypt(PLAIN);
        String firstId = before.keyId();

        DataCipher cipher = new DataCipher(first);
        String secondId = cipher.use(second);
        assertThat(secondId).isNotEqualTo(firstId).isEqualTo(DataCipher.idOf(second));
        assertThat(cipher.keyId()).isEqualTo(secondId);
        byte[] fresh = cipher.encrypt(PLAIN);

        // Stored before, with its key id beside it or with none: the first key's.
        assertThat(cipher.decrypt(firstId, legacy)).isEqualTo(PLAIN);
        assertThat(cipher.decrypt(null, legacy)).isEqualTo(PLAIN);
        assertThat(cipher.decrypt(legacy)).isEqualTo(PLAIN);
        assertThat(cipher.decrypt(secondId, fresh)).isEqualTo(PLAIN);
        // New data really is under the new key: the first key cannot read it.
        assertThatThrownBy(() -> cipher.decrypt(firstId, fresh)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> before.decrypt(fresh)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> cipher.decrypt("0000000000000000", fresh))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no data key");
    }

    @Test
    void aNewDataKeyIsKeptInTheKeyDirectoryBesideTheFirst() throws Exception {
        HubKeys keys = HubKeys.loadOrCreate(dir, "data key test");
        DataCipher cipher = new DataCipher(keys.dataKeys());
        byte[] old = cipher.encrypt(PLAIN);
        String oldId = cipher.keyId();
        String newId = cipher.use(keys.addDataKey());
        byte[] fresh = cipher.encrypt(PLAIN);
        assertThat(Files.exists(dir.resolve("data-key-2.hex"))).isTrue();

        HubKeys reloaded = HubKeys.loadOrCreate(dir, "data key test");
        assertThat(reloaded.dataKeys()).hasSize(2);
        DataCipher afterRestart = new DataCipher(reloaded.dataKeys());
        assertThat(afterRestart.keyId()).isEqualTo(newId);
        assertThat(afterRestart.decrypt(oldId, old)).isEqualTo(PLAIN);
        assertThat(afterRestart.decrypt(newId, fresh)).isEqualTo(PLAIN);
        assertThat(DataCipher.idOf(reloaded.dataKey())).isEqualTo(oldId);
    }

    @Test
    void aKeyMustHaveSixteenBytes() {
        assertThatThrownBy(() -> new DataCipher(new byte[15])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DataCipher(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] key(int seed) {
        byte[] key = new byte[16];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (seed * 31 + i);
        }
        return key;
    }
}
