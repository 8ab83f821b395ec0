package cn.tongban.identifier;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class UsccTest {

    @Example
    void acceptsTheDemoProvincesCodes() {
        assertThat(Uscc.isValid("11430000006761230E")).isTrue();
        assertThat(Uscc.isValid("11440000MB2C01234R")).isTrue();
    }

    @Example
    void namesTheBrokenRule() {
        assertThat(Uscc.problem("11430000006761230A")).isEqualTo("check character does not match");
        assertThat(Uscc.problem("1143000000676123")).isEqualTo("must be 18 characters");
        assertThat(Uscc.problem("11430000006761230I")).contains("alphabet");
        assertThat(Uscc.problem(null)).isNotNull();
    }

    @Property
    void everyGeneratedCodeIsValid(@ForAll("codes") String code) {
        assertThat(Uscc.problem(code)).isNull();
    }

    /** GB 32100's weights are non-zero modulo the prime 31, so any single substitution is caught. */
    @Property
    void anySingleSubstitutionIsDetected(
            @ForAll("codes") String code,
            @ForAll @IntRange(min = 0, max = 17) int position,
            @ForAll @IntRange(min = 1, max = 30) int shift) {
        int index = Uscc.ALPHABET.indexOf(code.charAt(position));
        char other = Uscc.ALPHABET.charAt((index + shift) % 31);
        String changed = code.substring(0, position) + other + code.substring(position + 1);
        assertThat(Uscc.isValid(changed)).isFalse();
    }

    @Property
    void lowercaseIsRejected(@ForAll("codes") String code) {
        String lower = code.toLowerCase();
        if (!lower.equals(code)) {
            assertThat(Uscc.isValid(lower)).isFalse();
        }
    }

    @Provide
    Arbitrary<String> codes() {
        return Arbitraries.longs().map(seed -> SyntheticIdentifiers.uscc(new Random(seed), "430100"));
    }
}
