package cn.tongban.security.internal;

import cn.tongban.signing.Sm3;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Hashes system credentials with SM3. They are 256-bit random secrets, so a slow password hash
 * (bcrypt, ~70 ms a check) would add nothing but latency to every machine-to-machine call;
 * people's passwords stay on bcrypt.
 */
class Sm3SecretEncoder implements PasswordEncoder {

    @Override
    public String encode(CharSequence raw) {
        return Sm3.hex(raw.toString());
    }

    @Override
    public boolean matches(CharSequence raw, String encoded) {
        return MessageDigest.isEqual(
                HexFormat.of().parseHex(encoded), Sm3.digest(raw.toString().getBytes(StandardCharsets.UTF_8)));
    }
}
