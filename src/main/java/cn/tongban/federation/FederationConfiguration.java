package cn.tongban.federation;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Binds {@code tongban.federation.*}; the {@code peerPlatforms} health component. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(FederationProperties.class)
class FederationConfiguration {

    @Bean
    HealthIndicator peerPlatformsHealthIndicator(PeerMonitor monitor) {
        return monitor::health;
    }
}
