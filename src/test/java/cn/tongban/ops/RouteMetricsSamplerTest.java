package cn.tongban.ops;

import static org.assertj.core.api.Assertions.assertThat;

import cn.tongban.exchange.RouteControls.RouteKind;
import cn.tongban.ops.RouteMetricsSampler.Reading;
import cn.tongban.ops.internal.RouteSampleStore.Sample;
import org.junit.jupiter.api.Test;

/** A sample is the difference between two readings of a route's meters, and never negative. */
class RouteMetricsSamplerTest {

    private static final RouteOverview.RouteView ROUTE = new RouteOverview.RouteView(
            "deliver-x",
            RouteKind.DELIVERY,
            null,
            null,
            null,
            null,
            "Started",
            "UP",
            null,
            null,
            null,
            0,
            0,
            0L,
            0L,
            4L,
            0L,
            0L);

    @Test
    void aSampleIsWhatHappenedSinceThePreviousReading() {
        Sample s = RouteMetricsSampler.delta(
                ROUTE, new Reading(130, 7, 50, 50, 900.0, 40.0), new Reading(100, 5, 40, 40, 700.0, 35.0));
        assertThat(s.records()).isEqualTo(30);
        assertThat(s.failures()).isEqualTo(2);
        assertThat(s.exchanges()).isEqualTo(10);
        assertThat(s.timedCount()).isEqualTo(10);
        assertThat(s.timedTotalMs()).isEqualTo(200.0);
        assertThat(s.maxMs()).isEqualTo(40.0);
        assertThat(s.backlog()).isEqualTo(4);
    }

    @Test
    void theFirstReadingAfterAStartCountsFromZero() {
        Sample s = RouteMetricsSampler.delta(ROUTE, new Reading(12, 1, 3, 3, 30.0, 20.0), null);
        assertThat(s.records()).isEqualTo(12);
        assertThat(s.timedTotalMs()).isEqualTo(30.0);
    }

    /** A route made anew (its meters with it) reads lower than before: what it holds is new, not negative. */
    @Test
    void aCounterThatWentBackCountsFromZeroInsteadOfGoingNegative() {
        Sample s = RouteMetricsSampler.delta(
                ROUTE, new Reading(3, 0, 2, 2, 10.0, 6.0), new Reading(100, 5, 40, 40, 700.0, 35.0));
        assertThat(s.records()).isEqualTo(3);
        assertThat(s.failures()).isZero();
        assertThat(s.exchanges()).isEqualTo(2);
        assertThat(s.timedCount()).isEqualTo(2);
        assertThat(s.timedTotalMs()).isEqualTo(10.0);
    }

    @Test
    void anIntervalThatTimedNothingHasNoMaximum() {
        // Micrometer's max still shows an exchange of minutes ago; it must not be this interval's.
        Sample s = RouteMetricsSampler.delta(
                ROUTE, new Reading(100, 5, 40, 40, 700.0, 35.0), new Reading(100, 5, 40, 40, 700.0, 35.0));
        assertThat(s.timedCount()).isZero();
        assertThat(s.maxMs()).isNull();
    }

    @Test
    void theWindowIsWholeHoursFromOneTo24() {
        assertThat(RouteHistory.hours(null)).isEqualTo(6);
        assertThat(RouteHistory.hours(" 24 ")).isEqualTo(24);
        for (String refused : new String[] {"0", "25", "-1", "1.5", "abc", "99999999999"}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> RouteHistory.hours(refused))
                    .as(refused)
                    .isInstanceOf(cn.tongban.web.ApiException.class)
                    .hasMessageContaining("hours");
        }
    }
}
