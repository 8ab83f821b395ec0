package cn.tongban.calendar;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.springframework.core.io.Resource;

/**
 * 工作日历: decides which days count toward legal time limits (e.g. 10 working days for a
 * conditional-sharing reply). Weekends and public holidays do not count; make-up working days
 * (调休上班) on weekends do.
 */
public final class WorkingDayCalendar {

    /** A listed day: a public holiday, or a weekend day that is worked. */
    public enum DayKind {
        HOLIDAY,
        WORKDAY
    }

    private final Map<LocalDate, DayKind> listed;
    private final TreeSet<Integer> coveredYears = new TreeSet<>();

    public WorkingDayCalendar(Map<LocalDate, DayKind> listed) {
        this.listed = Map.copyOf(listed);
        listed.keySet().forEach(day -> coveredYears.add(day.getYear()));
    }

    /** Reads lines of {@code date,kind,name}; {@code #} starts a comment. */
    public static WorkingDayCalendar read(Resource csv) {
        Map<LocalDate, DayKind> days = new HashMap<>();
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(csv.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split(",", 3);
                try {
                    days.put(LocalDate.parse(parts[0].strip()), DayKind.valueOf(parts[1].strip()));
                } catch (DateTimeParseException | IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
                    throw new IllegalStateException(
                            csv.getDescription() + " line " + number + ": expected date,HOLIDAY|WORKDAY,name");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the holiday calendar " + csv.getDescription(), e);
        }
        return new WorkingDayCalendar(days);
    }

    public boolean isWorkingDay(LocalDate day) {
        DayKind kind = listed.get(day);
        if (kind != null) {
            return kind == DayKind.WORKDAY;
        }
        return day.getDayOfWeek() != DayOfWeek.SATURDAY && day.getDayOfWeek() != DayOfWeek.SUNDAY;
    }

    /**
     * The day on which a limit of {@code workingDays} that starts on {@code start} ends: counting
     * begins the next day, as for administrative time limits.
     */
    public LocalDate addWorkingDays(LocalDate start, int workingDays) {
        if (workingDays < 0) {
            throw new IllegalArgumentException("workingDays must not be negative");
        }
        LocalDate day = start;
        int counted = 0;
        while (counted < workingDays) {
            day = day.plusDays(1);
            if (isWorkingDay(day)) {
                counted++;
            }
        }
        return day;
    }

    /**
     * The listed days of one kind, for queries that count working days in the database (the
     * supervision report) and must agree with {@link #isWorkingDay}.
     */
    public java.util.SortedSet<LocalDate> listed(DayKind kind) {
        TreeSet<LocalDate> days = new TreeSet<>();
        listed.forEach((day, k) -> {
            if (k == kind) {
                days.add(day);
            }
        });
        return java.util.Collections.unmodifiableSortedSet(days);
    }

    /** Whether the calendar lists the public holidays of that year (otherwise only weekends count). */
    public boolean covers(int year) {
        return coveredYears.contains(year);
    }
}
