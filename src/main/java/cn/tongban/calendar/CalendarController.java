package cn.tongban.calendar;

import cn.tongban.web.ApiException;
import java.time.LocalDate;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Lets participants compute legal deadlines exactly as the hub does. */
@RestController
@RequestMapping("/api/calendar")
class CalendarController {

    private final WorkingDayCalendar calendar;

    CalendarController(WorkingDayCalendar calendar) {
        this.calendar = calendar;
    }

    /** A deadline and whether the calendar lists that year's holidays. */
    record Deadline(LocalDate start, int workingDays, LocalDate deadline, boolean holidaysListed) {}

    @GetMapping("/deadline")
    Deadline deadline(
            @RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate start,
            @RequestParam int workingDays) {
        if (workingDays < 0 || workingDays > 365) {
            throw ApiException.invalid("workingDays", "range", "must be between 0 and 365");
        }
        LocalDate deadline = calendar.addWorkingDays(start, workingDays);
        return new Deadline(
                start, workingDays, deadline, calendar.covers(start.getYear()) && calendar.covers(deadline.getYear()));
    }
}
