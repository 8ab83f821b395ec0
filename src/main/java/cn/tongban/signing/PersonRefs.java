package cn.tongban.signing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;

/**
 * 个人标识引用: the keyed hash (HMAC-SM3) of a citizen ID number, under which the ledger and the
 * outbox name a person. A plain hash would not do: ID numbers are few and structured enough to
 * enumerate. The key comes from configuration ({@code tongban.signing.person-key}, hex) or, on a
 * hub without one, from {@code person-key.hex} in the key directory, created on first start.
 */
public final class PersonRefs {

    private final byte[] key;

    public PersonRefs(byte[] key) {
        if (key.length < 16) {
            throw new IllegalArgumentException("the person key must have at least 128 bits");
        }
        this.key = key.clone();
    }

    static PersonRefs configuredOrStored(String configuredHex, Path keyDir) {
        if (configuredHex != null && !configuredHex.isBlank()) {
            return new PersonRefs(HexFormat.of().parseHex(configuredHex.strip()));
        }
        Path file = keyDir.resolve("person-key.hex");
        try {
            if (!Files.exists(file)) {
                byte[] key = new byte[32];
                new SecureRandom().nextBytes(key);
                Files.createDirectories(keyDir);
                Files.writeString(file, HexFormat.of().formatHex(key));
            }
            return new PersonRefs(HexFormat.of().parseHex(Files.readString(file).strip()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }

    /** The reference of an ID number (case of the check character does not matter), hex. */
    public String of(String idNumber) {
        return HexFormat.of()
                .formatHex(
                        Sm3.hmac(key, idNumber.strip().toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8)));
    }
}
