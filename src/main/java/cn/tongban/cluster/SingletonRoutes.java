package cn.tongban.cluster;

import org.apache.camel.Route;
import org.apache.camel.impl.cluster.ClusteredRoutePolicy;

/** What a route's state means when it runs under {@code singletonRoutePolicy}. */
public final class SingletonRoutes {

    private SingletonRoutes() {}

    /**
     * True when the route is singleton work and another instance holds the lease: it is stopped
     * here on purpose, standing by, not down.
     */
    public static boolean standsBy(Route route) {
        return route.getRoutePolicyList().stream()
                .anyMatch(policy -> policy instanceof ClusteredRoutePolicy clustered && !clustered.isLeader());
    }

    /** True when the route is singleton work (whoever does it now). */
    public static boolean isSingleton(Route route) {
        return route.getRoutePolicyList().stream().anyMatch(ClusteredRoutePolicy.class::isInstance);
    }
}
