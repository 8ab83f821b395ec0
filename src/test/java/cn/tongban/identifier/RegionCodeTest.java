package cn.tongban.identifier;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class RegionCodeTest {

    @Example
    void acceptsProvincePrefectureAndCountyCodes() {
        assertThat(RegionCode.isValid("430000")).isTrue();
        assertThat(RegionCode.isValid("430100")).isTrue();
        assertThat(RegionCode.isValid("430102")).isTrue();
        assertThat(RegionCode.isValid("433100")).isTrue();
        assertThat(RegionCode.isValid("440300")).isTrue();
    }

    @Example
    void rejectsWhatIsNotARegion() {
        assertThat(RegionCode.problem("43010")).isEqualTo("must be 6 digits");
        assertThat(RegionCode.problem("4301a2")).isEqualTo("must be 6 digits");
        assertThat(RegionCode.problem("990000")).contains("unknown province");
        assertThat(RegionCode.problem("430001")).contains("needs a prefecture");
        assertThat(RegionCode.problem("431400")).contains("unknown Hunan prefecture");
    }

    @Property
    void everyHunanPrefectureAndCountyIsValid(
            @ForAll("hunanPrefectures") String prefix, @ForAll @IntRange(min = 0, max = 99) int county) {
        assertThat(RegionCode.isValid(prefix + String.format("%02d", county))).isTrue();
    }

    @Property
    void codesOfUnknownProvincesAreRejected(@ForAll @IntRange(min = 0, max = 999_999) int code) {
        String text = String.format("%06d", code);
        if (!RegionCode.isValidProvince(text.substring(0, 2))) {
            assertThat(RegionCode.isValid(text)).isFalse();
        }
    }

    @Provide
    Arbitrary<String> hunanPrefectures() {
        return Arbitraries.of(RegionCode.HUNAN_PREFECTURES.keySet());
    }
}
