package cn.tongban.identifier;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IdNumberTest {

    private static final LocalDate TODAY = LocalDate.of(2026, 11, 29);

    /** GB 11643-1999 weights, restated here so the generator does not trust {@link IdNumber}. */
    private static final int[] GB11643_WEIGHTS = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};

    private static final String GB11643_CHECK = "10X98765432";

    @Test
    void acceptsTheStandardsExample() {
        // GB 11643-1999 appendix example: 11010519491231002X.
        assertThat(IdNumber.problem("11010519491231002X", TODAY)).isNull();
    }

    @Test
    void theIndependentCheckCharacterAgreesWithTheStandardsExample() {
        assertThat(gb11643Check("11010519491231002")).isEqualTo('X');
    }

    @Test
    void rejectsImpossibleBirthDates() {
        String feb30 = "43010219900230001";
        assertThat(IdNumber.problem(feb30 + IdNumber.checkCharacter(feb30), TODAY))
                .contains("not a date");
        String future = "43010220300101001";
        assertThat(IdNumber.problem(future + IdNumber.checkCharacter(future), TODAY))
                .contains("out of range");
    }

    @Test
    void rejectsAnUnknownProvince() {
        String body = "99010219900101001";
        assertThat(IdNumber.problem(body + IdNumber.checkCharacter(body), TODAY))
                .contains("province");
    }

    @ParameterizedTest
    @MethodSource("numbers")
    void everyGeneratedNumberIsValid(String number) {
        assertThat(IdNumber.problem(number, TODAY)).isNull();
        assertThat(IdNumber.birthDate(number)).isBeforeOrEqualTo(TODAY);
    }

    /** The mod 11-2 weights are non-zero modulo 11, so changing any one digit breaks the check. */
    @ParameterizedTest
    @MethodSource("digitChanges")
    void anySingleDigitChangeIsDetected(String number, int position, int shift) {
        char other = (char) ('0' + (number.charAt(position) - '0' + shift) % 10);
        String changed = number.substring(0, position) + other + number.substring(position + 1);
        assertThat(IdNumber.problem(changed, TODAY)).isNotNull();
    }

    static Stream<Arguments> numbers() {
        Random random = new Random(11_643L);
        return IntStream.range(0, 200).mapToObj(i -> Arguments.of(number(random)));
    }

    static Stream<Arguments> digitChanges() {
        Random random = new Random(1999L);
        return IntStream.range(0, 200)
                .mapToObj(i -> Arguments.of(number(random), random.nextInt(17), 1 + random.nextInt(9)));
    }

    /** A number in region 430102, born 0–100 years before {@link #TODAY}, random sequence code. */
    private static String number(Random random) {
        LocalDate birth = TODAY.minusDays(random.nextInt(365 * 100 + 1));
        String first17 = "430102"
                + String.format("%04d%02d%02d", birth.getYear(), birth.getMonthValue(), birth.getDayOfMonth())
                + String.format("%03d", random.nextInt(1000));
        return first17 + gb11643Check(first17);
    }

    /** GB 11643-1999 ISO 7064 mod 11-2: Σ digit × weight mod 11 indexes "10X98765432". */
    private static char gb11643Check(String first17) {
        int sum = 0;
        for (int i = 0; i < 17; i++) {
            sum += (first17.charAt(i) - '0') * GB11643_WEIGHTS[i];
        }
        return GB11643_CHECK.charAt(sum % 11);
    }
}
