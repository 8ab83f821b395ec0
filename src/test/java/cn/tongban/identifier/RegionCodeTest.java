package cn.tongban.identifier;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RegionCodeTest {

    @Test
    void acceptsProvincePrefectureAndCountyCodes() {
        assertThat(RegionCode.isValid("430000")).isTrue();
        assertThat(RegionCode.isValid("430100")).isTrue();
        assertThat(RegionCode.isValid("430102")).isTrue();
        assertThat(RegionCode.isValid("433100")).isTrue();
        assertThat(RegionCode.isValid("440300")).isTrue();
    }

    @Test
    void rejectsWhatIsNotARegion() {
        assertThat(RegionCode.problem("43010")).isEqualTo("must be 6 digits");
        assertThat(RegionCode.problem("4301a2")).isEqualTo("must be 6 digits");
        assertThat(RegionCode.problem("990000")).contains("unknown province");
        assertThat(RegionCode.problem("430001")).contains("needs a prefecture");
        assertThat(RegionCode.problem("431400")).contains("unknown Hunan prefecture");
    }

    @ParameterizedTest
    @MethodSource("hunanPrefecturesAndCounties")
    void everyHunanPrefectureAndCountyIsValid(String prefix, int county) {
        assertThat(RegionCode.isValid(prefix + String.format("%02d", county))).isTrue();
    }

    @ParameterizedTest
    @MethodSource("sixDigitCodes")
    void codesOfUnknownProvincesAreRejected(int code) {
        String text = String.format("%06d", code);
        if (!RegionCode.isValidProvince(text.substring(0, 2))) {
            assertThat(RegionCode.isValid(text)).isFalse();
        }
    }

    static Stream<Arguments> hunanPrefecturesAndCounties() {
        // Sorted, because the map's iteration order varies between runs.
        List<String> prefectures = List.copyOf(new TreeSet<>(RegionCode.HUNAN_PREFECTURES.keySet()));
        Random random = new Random(430_000L);
        return IntStream.range(0, 200)
                .mapToObj(i -> Arguments.of(prefectures.get(random.nextInt(prefectures.size())), random.nextInt(100)));
    }

    static Stream<Arguments> sixDigitCodes() {
        Random random = new Random(999_999L);
        return IntStream.range(0, 200).mapToObj(i -> Arguments.of(random.nextInt(1_000_000)));
    }
}
