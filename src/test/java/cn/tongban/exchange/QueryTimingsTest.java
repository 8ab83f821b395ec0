package cn.tongban.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class QueryTimingsTest {

    @Test
    void millisecondsWithThreeDecimals() {
        assertThat(QueryTimings.millis(0)).isEqualTo("0.000");
        assertThat(QueryTimings.millis(5_000)).isEqualTo("0.005");
        assertThat(QueryTimings.millis(57_999)).isEqualTo("0.057");
        assertThat(QueryTimings.millis(1_234_567)).isEqualTo("1.234");
        assertThat(QueryTimings.millis(12_050_000)).isEqualTo("12.050");
        assertThat(QueryTimings.millis(-3)).isEqualTo("0.000");
    }

    @Test
    void theHubsShareIsTheTotalLessTheSuppliers() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        String header = new QueryTimings(registry).record("JY-XL-0001", 3_500_000, 1_200_000, 900_000);
        assertThat(header)
                .isEqualTo("hub;dur=2.300;desc=\"hub overhead\", audit;dur=0.900;desc=\"waiting for the durable audit"
                        + " record\", supplier;dur=1.200, total;dur=3.500");
        assertThat(registry.get(QueryTimings.HUB)
                        .tag("resource", "JY-XL-0001")
                        .timer()
                        .totalTime(TimeUnit.MICROSECONDS))
                .isEqualTo(2_300);
        assertThat(registry.get(QueryTimings.SUPPLIER).timer().count()).isEqualTo(1);
        assertThat(registry.get(QueryTimings.AUDIT).timer().totalTime(TimeUnit.MICROSECONDS))
                .isEqualTo(900);
    }
}
