package cn.tongban.security.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/** Only a match is remembered, only for its stored hash, and only until it expires. */
class VerifiedPasswordCacheTest {

    final BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder(4);

    @Test
    void aMatchIsRememberedForItsStoredHashOnly() {
        VerifiedPasswordCache cache = new VerifiedPasswordCache(bcrypt, Duration.ofMinutes(5));
        String stored = bcrypt.encode("correct horse");
        assertThat(cache.matches("correct horse", stored)).isTrue();
        assertThat(cache.matches("correct horse", stored)).isTrue();
        assertThat(cache.matches("wrong horse", stored)).isFalse();
        assertThat(cache.matches("wrong horse", stored)).isFalse();
        String changed = bcrypt.encode("new horse");
        assertThat(cache.matches("correct horse", changed))
                .as("a changed password has a new hash")
                .isFalse();
    }

    @Test
    void anExpiredMatchIsCheckedAgain() throws Exception {
        int[] checks = {0};
        org.springframework.security.crypto.password.PasswordEncoder counting =
                new org.springframework.security.crypto.password.PasswordEncoder() {
                    @Override
                    public String encode(CharSequence raw) {
                        return bcrypt.encode(raw);
                    }

                    @Override
                    public boolean matches(CharSequence raw, String encoded) {
                        checks[0]++;
                        return bcrypt.matches(raw, encoded);
                    }
                };
        VerifiedPasswordCache cache = new VerifiedPasswordCache(counting, Duration.ofMillis(50));
        String stored = bcrypt.encode("pw");
        cache.matches("pw", stored);
        cache.matches("pw", stored);
        assertThat(checks[0]).isEqualTo(1);
        Thread.sleep(80);
        cache.matches("pw", stored);
        assertThat(checks[0]).isEqualTo(2);
    }
}
