package cn.tongban.cluster;

import cn.tongban.cluster.internal.LeaseStore;
import cn.tongban.cluster.internal.PostgresLeaseClusterService;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.cluster.ClusteredRoutePolicy;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ClusterProperties.class)
class ClusterConfiguration {

    @Bean
    PostgresLeaseClusterService singletonWork(JdbcClient jdbc, ClusterProperties properties) {
        return new PostgresLeaseClusterService(new LeaseStore(jdbc), properties);
    }

    /** Camel finds cluster services among its own services, not among Spring's beans. */
    @Bean
    CamelContextConfiguration clusterServiceInCamel(PostgresLeaseClusterService service) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camel) {
                if (!camel.hasService(service)) {
                    try {
                        camel.addService(service, true, true);
                    } catch (Exception e) {
                        throw new IllegalStateException("cannot add the cluster service", e);
                    }
                }
            }

            @Override
            public void afterApplicationStart(CamelContext camel) {}
        };
    }

    /** {@code routePolicyRef: singletonRoutePolicy} in a route runs it on the lease holder only. */
    @Bean
    ClusteredRoutePolicy singletonRoutePolicy(PostgresLeaseClusterService service, ClusterProperties properties)
            throws Exception {
        return ClusteredRoutePolicy.forNamespace(service, properties.namespace());
    }
}
