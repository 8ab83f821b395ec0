package cn.tongban.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.core.io.FileSystemResource;

class WorkingDayCalendarTest {

    private final WorkingDayCalendar calendar =
            WorkingDayCalendar.read(new FileSystemResource("config/calendar/cn-holidays.csv"));

    @Test
    void tenWorkingDaysAcrossTheNationalDayHolidayAndAMakeUpSaturday() {
        // Wed 30 Sep 2026: 1–7 Oct are holidays, Sat 10 Oct is worked (调休).
        assertThat(calendar.addWorkingDays(LocalDate.of(2026, 9, 30), 10)).isEqualTo(LocalDate.of(2026, 10, 20));
    }

    @Test
    void aFridayFilingCountsFromMonday() {
        assertThat(calendar.addWorkingDays(LocalDate.of(2026, 11, 27), 1)).isEqualTo(LocalDate.of(2026, 11, 30));
        assertThat(calendar.addWorkingDays(LocalDate.of(2026, 11, 27), 10)).isEqualTo(LocalDate.of(2026, 12, 11));
    }

    @Test
    void holidaysAndMakeUpDaysOverrideTheWeekday() {
        assertThat(calendar.isWorkingDay(LocalDate.of(2026, 10, 1))).isFalse(); // Thursday, 国庆
        assertThat(calendar.isWorkingDay(LocalDate.of(2026, 10, 10))).isTrue(); // Saturday, 调休
        assertThat(calendar.isWorkingDay(LocalDate.of(2026, 2, 14))).isTrue(); // Saturday, 调休
        assertThat(calendar.covers(2026)).isTrue();
    }

    @ParameterizedTest
    @MethodSource("startsAndDays")
    void theDeadlineIsAWorkingDayAndCountsExactly(int offset, int days) {
        LocalDate start = LocalDate.of(2025, 1, 1).plusDays(offset);
        LocalDate deadline = calendar.addWorkingDays(start, days);
        assertThat(calendar.isWorkingDay(deadline)).isTrue();
        long counted = start.plusDays(1)
                .datesUntil(deadline.plusDays(1))
                .filter(calendar::isWorkingDay)
                .count();
        assertThat(counted).isEqualTo(days);
    }

    @ParameterizedTest
    @MethodSource("unlistedOffsets")
    void unlistedWeekendsAreNotWorkingDays(int offset) {
        LocalDate day = LocalDate.of(2028, 1, 1).plusDays(offset);
        boolean weekend = day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY;
        assertThat(calendar.isWorkingDay(day)).isEqualTo(!weekend);
    }

    static Stream<Arguments> startsAndDays() {
        Random random = new Random(20_250_101L);
        return IntStream.range(0, 200).mapToObj(i -> Arguments.of(random.nextInt(701), 1 + random.nextInt(30)));
    }

    static Stream<Arguments> unlistedOffsets() {
        Random random = new Random(20_280_101L);
        return IntStream.range(0, 200).mapToObj(i -> Arguments.of(random.nextInt(3001)));
    }
}
