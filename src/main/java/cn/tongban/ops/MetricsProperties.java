package cn.tongban.ops;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code tongban.ops.metrics.*}: the routes' history behind the operators' charts.
 *
 * @param sampleInterval how often each instance samples its route meters (Camel's time syntax and
 *     Spring's alike: {@code 15s}, {@code 500ms}; not {@code PT15S})
 * @param retention how long samples are kept before the sampler deletes them
 * @param topRoutes how many of the busiest routes the all-routes history draws on their own
 */
@ConfigurationProperties("tongban.ops.metrics")
public record MetricsProperties(Duration sampleInterval, Duration retention, int topRoutes) {

    public MetricsProperties {
        sampleInterval = sampleInterval == null ? Duration.ofSeconds(15) : sampleInterval;
        retention = retention == null ? Duration.ofHours(24) : retention;
        topRoutes = topRoutes <= 0 ? 5 : topRoutes;
    }
}
