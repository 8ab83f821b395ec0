package cn.tongban.ops;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the operators' view into Camel: route meters are fed by an event notifier added before the
 * routes start. Binds {@code tongban.ops.metrics.*}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MetricsProperties.class)
class OpsConfiguration {

    @Bean
    CamelRouteMetrics camelRouteMetrics(MeterRegistry registry) {
        return new CamelRouteMetrics(registry);
    }

    @Bean
    CamelContextConfiguration camelRouteMetricsNotifier(CamelRouteMetrics metrics) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camel) {
                camel.getManagementStrategy().addEventNotifier(metrics);
            }

            @Override
            public void afterApplicationStart(CamelContext camel) {}
        };
    }
}
