package cn.tongban.identifier;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class IdNumberTest {

    private static final LocalDate TODAY = LocalDate.of(2026, 11, 29);

    @Example
    void acceptsTheStandardsExample() {
        // GB 11643-1999 appendix example: 11010519491231002X.
        assertThat(IdNumber.problem("11010519491231002X", TODAY)).isNull();
    }

    @Example
    void rejectsImpossibleBirthDates() {
        String feb30 = "43010219900230001";
        assertThat(IdNumber.problem(feb30 + IdNumber.checkCharacter(feb30), TODAY))
                .contains("not a date");
        String future = "43010220300101001";
        assertThat(IdNumber.problem(future + IdNumber.checkCharacter(future), TODAY))
                .contains("out of range");
    }

    @Example
    void rejectsAnUnknownProvince() {
        String body = "99010219900101001";
        assertThat(IdNumber.problem(body + IdNumber.checkCharacter(body), TODAY))
                .contains("province");
    }

    @Property
    void everyGeneratedNumberIsValid(@ForAll("numbers") String number) {
        assertThat(IdNumber.problem(number, TODAY)).isNull();
        assertThat(IdNumber.birthDate(number)).isBeforeOrEqualTo(TODAY);
    }

    /** The mod 11-2 weights are non-zero modulo 11, so changing any one digit breaks the check. */
    @Property
    void anySingleDigitChangeIsDetected(
            @ForAll("numbers") String number,
            @ForAll @IntRange(min = 0, max = 16) int position,
            @ForAll @IntRange(min = 1, max = 9) int shift) {
        char other = (char) ('0' + (number.charAt(position) - '0' + shift) % 10);
        String changed = number.substring(0, position) + other + number.substring(position + 1);
        assertThat(IdNumber.problem(changed, TODAY)).isNotNull();
    }

    @Provide
    Arbitrary<String> numbers() {
        Arbitrary<LocalDate> births =
                Arbitraries.integers().between(0, 365 * 100).map(days -> TODAY.minusDays(days));
        return Combinators.combine(Arbitraries.longs(), births)
                .as((seed, birth) -> SyntheticIdentifiers.idNumber(new Random(seed), "430102", birth));
    }
}
