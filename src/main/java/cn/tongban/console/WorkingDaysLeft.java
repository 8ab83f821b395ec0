package cn.tongban.console;

import cn.tongban.calendar.WorkingDayCalendar;
import java.time.LocalDate;

/** Working days from today to a deadline as the inboxes show them: 0 on the day, negative once it has passed. */
final class WorkingDaysLeft {

    private WorkingDaysLeft() {}

    static long until(WorkingDayCalendar calendar, LocalDate today, LocalDate deadline) {
        if (deadline == null) {
            return 0;
        }
        LocalDate from = deadline.isBefore(today) ? deadline : today;
        LocalDate to = deadline.isBefore(today) ? today : deadline;
        long days = 0;
        for (LocalDate d = from.plusDays(1); !d.isAfter(to); d = d.plusDays(1)) {
            if (calendar.isWorkingDay(d)) {
                days++;
            }
        }
        return deadline.isBefore(today) ? -days : days;
    }
}
