package cn.tongban.supervision;

import cn.tongban.catalog.UpdateCycle;
import java.time.Duration;
import java.time.Instant;

/**
 * 更新及时性: whether a resource's last intake is within the interval its declared 更新周期 implies.
 * A real-time resource silent for a day is late: a live source that sends nothing for that long
 * has stopped, whatever its cycle says.
 */
public enum IntakeTimeliness {
    ON_TIME,
    LATE,
    /** nothing was ever received up to the report's moment */
    NO_INTAKE;

    /** The longest gap between two intakes that the cycle allows. */
    public static Duration expectedInterval(UpdateCycle cycle) {
        return switch (cycle) {
            case REALTIME, DAILY -> Duration.ofDays(1);
            case HOURLY -> Duration.ofHours(1);
            case WEEKLY -> Duration.ofDays(7);
            case MONTHLY -> Duration.ofDays(31);
            case QUARTERLY -> Duration.ofDays(92);
            case YEARLY -> Duration.ofDays(366);
        };
    }

    static IntakeTimeliness of(UpdateCycle cycle, Instant lastIntake, Instant asOf) {
        if (lastIntake == null) {
            return NO_INTAKE;
        }
        return Duration.between(lastIntake, asOf).compareTo(expectedInterval(cycle)) > 0 ? LATE : ON_TIME;
    }
}
