package cn.tongban.disputes;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param answerWorkingDays working days the supplier has to answer a dispute, counted from the day
 *     after it is opened (WorkingDayCalendar); 5 unless configured
 */
@ConfigurationProperties("tongban.disputes")
public record DisputesProperties(Integer answerWorkingDays) {

    public static final int DEFAULT_ANSWER_WORKING_DAYS = 5;

    public DisputesProperties {
        answerWorkingDays = answerWorkingDays == null ? DEFAULT_ANSWER_WORKING_DAYS : answerWorkingDays;
        if (answerWorkingDays < 0) {
            throw new IllegalArgumentException("tongban.disputes.answer-working-days must not be negative");
        }
    }
}
