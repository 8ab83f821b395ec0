package cn.tongban.identifier;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class UsccTest {

    /** GB 32100-2015 alphabet and weights, restated here so the generator does not trust {@link Uscc}. */
    private static final String GB32100_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    private static final int[] GB32100_WEIGHTS = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

    @Test
    void acceptsTheDemoProvincesCodes() {
        assertThat(Uscc.isValid("11430000006761230E")).isTrue();
        assertThat(Uscc.isValid("11440000MB2C01234R")).isTrue();
    }

    @Test
    void namesTheBrokenRule() {
        assertThat(Uscc.problem("11430000006761230A")).isEqualTo("check character does not match");
        assertThat(Uscc.problem("1143000000676123")).isEqualTo("must be 18 characters");
        assertThat(Uscc.problem("11430000006761230I")).contains("alphabet");
        assertThat(Uscc.problem(null)).isNotNull();
    }

    @Test
    void theIndependentCheckCharacterAgreesWithTheDemoCodes() {
        assertThat(gb32100Check("11430000006761230")).isEqualTo('E');
        assertThat(gb32100Check("11440000MB2C01234")).isEqualTo('R');
    }

    @ParameterizedTest
    @MethodSource("codes")
    void everyGeneratedCodeIsValid(String code) {
        assertThat(Uscc.problem(code)).isNull();
    }

    /** GB 32100's weights are non-zero modulo the prime 31, so any single substitution is caught. */
    @ParameterizedTest
    @MethodSource("substitutions")
    void anySingleSubstitutionIsDetected(String code, int position, int shift) {
        int index = Uscc.ALPHABET.indexOf(code.charAt(position));
        char other = Uscc.ALPHABET.charAt((index + shift) % 31);
        String changed = code.substring(0, position) + other + code.substring(position + 1);
        assertThat(Uscc.isValid(changed)).isFalse();
    }

    @ParameterizedTest
    @MethodSource("codes")
    void lowercaseIsRejected(String code) {
        String lower = code.toLowerCase();
        if (!lower.equals(code)) {
            assertThat(Uscc.isValid(lower)).isFalse();
        }
    }

    static Stream<Arguments> codes() {
        Random random = new Random(32_100L);
        return IntStream.range(0, 200).mapToObj(i -> Arguments.of(code(random)));
    }

    static Stream<Arguments> substitutions() {
        Random random = new Random(2015L);
        return IntStream.range(0, 200)
                .mapToObj(i -> Arguments.of(code(random), random.nextInt(18), 1 + random.nextInt(30)));
    }

    /** A government body's code (registration authority 1, category 1) in region 430100, random body. */
    private static String code(Random random) {
        StringBuilder first17 = new StringBuilder("11430100");
        for (int i = 0; i < 9; i++) {
            first17.append(GB32100_ALPHABET.charAt(random.nextInt(GB32100_ALPHABET.length())));
        }
        return first17.toString() + gb32100Check(first17);
    }

    /** GB 32100-2015: check = (31 − Σ value × weight mod 31) mod 31, as a character of the alphabet. */
    private static char gb32100Check(CharSequence first17) {
        int sum = 0;
        for (int i = 0; i < 17; i++) {
            sum += GB32100_ALPHABET.indexOf(first17.charAt(i)) * GB32100_WEIGHTS[i];
        }
        return GB32100_ALPHABET.charAt((31 - sum % 31) % 31);
    }
}
