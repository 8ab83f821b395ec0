package cn.tongban.calendar;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CalendarConfiguration.CalendarProperties.class)
class CalendarConfiguration {

    /**
     * @param holidays where the holiday file is (a Spring resource location)
     * @param zone the zone in which dates and legal time limits are reckoned
     * @param startAt for drills and acceptance runs: the business clock starts at this instant and
     *     ticks from there; unset in production
     */
    @ConfigurationProperties("tongban.calendar")
    record CalendarProperties(String holidays, ZoneId zone, Instant startAt) {
        CalendarProperties {
            holidays = holidays == null ? "classpath:config/calendar/cn-holidays.csv" : holidays;
            zone = zone == null ? ZoneId.of("Asia/Shanghai") : zone;
        }
    }

    @Bean
    WorkingDayCalendar workingDayCalendar(CalendarProperties properties, ResourceLoader resources) {
        return WorkingDayCalendar.read(resources.getResource(properties.holidays()));
    }

    @Bean
    Clock clock(CalendarProperties properties) {
        Clock system = Clock.system(properties.zone());
        if (properties.startAt() == null) {
            return system;
        }
        return Clock.offset(system, Duration.between(Instant.now(), properties.startAt()));
    }
}
