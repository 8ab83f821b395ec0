package cn.tongban.supervision;

import cn.tongban.web.ApiException;
import cn.tongban.web.ApiException.FieldProblem;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * 考核期间: the days a report covers, both ends included, at most one year (a longer report would
 * scan years of intake in one request, and supervision is reckoned by month, quarter or year).
 */
public record ReportPeriod(LocalDate from, LocalDate to) {

    /** A report covers at most a year: 366 days, so that a leap year still fits. */
    static final int MAX_DAYS = 366;

    /** The period of {@code from}/{@code to} query parameters, refused with each field and rule broken. */
    static ReportPeriod of(String from, String to) {
        List<FieldProblem> problems = new ArrayList<>();
        LocalDate start = day(from, "from", problems);
        LocalDate end = day(to, "to", problems);
        if (start != null && end != null) {
            if (end.isBefore(start)) {
                problems.add(new FieldProblem("to", "not-before-from", "must not be before from"));
            } else if (start.plusDays(MAX_DAYS).isBefore(end.plusDays(1))) {
                problems.add(new FieldProblem("to", "max-one-year", "a report covers at most one year"));
            }
        }
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
        return new ReportPeriod(start, end);
    }

    /** A calendar month named {@code YYYY-MM}. */
    static YearMonth month(String period) {
        try {
            if (period != null && period.matches("[0-9]{4}-[0-9]{2}")) {
                return YearMonth.parse(period);
            }
        } catch (DateTimeParseException e) {
            // refused below, as a badly formed one is
        }
        throw ApiException.invalid("period", "format", "must be a month as YYYY-MM");
    }

    static ReportPeriod of(YearMonth month) {
        return new ReportPeriod(month.atDay(1), month.atEndOfMonth());
    }

    private static LocalDate day(String text, String field, List<FieldProblem> problems) {
        if (text == null || text.isBlank()) {
            problems.add(new FieldProblem(field, "required", "is required (YYYY-MM-DD)"));
            return null;
        }
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            problems.add(new FieldProblem(field, "date", "must be a date as YYYY-MM-DD"));
            return null;
        }
    }
}
