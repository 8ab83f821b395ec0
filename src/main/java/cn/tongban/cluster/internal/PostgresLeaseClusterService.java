package cn.tongban.cluster.internal;

import cn.tongban.cluster.ClusterProperties;
import cn.tongban.cluster.SingletonWork;
import java.util.Optional;
import org.apache.camel.support.cluster.AbstractCamelClusterService;

/**
 * Camel's cluster service over a lease row in PostgreSQL. Camel ships cluster services for
 * ZooKeeper, Consul, Kubernetes, JGroups, Infinispan and a shared file lock, none for a database;
 * the hub already has PostgreSQL as its store of record and must not need a coordination service
 * besides, so this one is written here — the starting and stopping of routes on leadership is
 * Camel's own ClusteredRoutePolicy.
 */
public final class PostgresLeaseClusterService extends AbstractCamelClusterService<PostgresLeaseView>
        implements SingletonWork {

    private final LeaseStore store;
    private final ClusterProperties properties;

    public PostgresLeaseClusterService(LeaseStore store, ClusterProperties properties) {
        super("tongban-postgres-lease");
        this.store = store;
        this.properties = properties;
    }

    @Override
    protected PostgresLeaseView createView(String namespace) {
        return new PostgresLeaseView(this, namespace, store, properties);
    }

    @Override
    public String instanceId() {
        return properties.instanceId();
    }

    @Override
    public boolean isLeader() {
        return isLeader(properties.namespace());
    }

    @Override
    public Optional<Lease> lease() {
        return store.current(properties.namespace());
    }
}
