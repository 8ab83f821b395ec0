package cn.tongban.cluster.internal;

import cn.tongban.cluster.ClusterProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.support.cluster.AbstractCamelClusterView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;

/**
 * One namespace's leadership: a scheduled renewal that takes the lease when it is free, keeps it
 * while this instance lives and steps down the moment PostgreSQL cannot confirm it — no leader for
 * a few seconds is safe, two leaders are not.
 */
final class PostgresLeaseView extends AbstractCamelClusterView {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresLeaseView.class);

    private final LeaseStore store;
    private final ClusterProperties properties;
    private final LocalMember local = new LocalMember();
    private volatile boolean leader;
    private ScheduledExecutorService renewals;

    PostgresLeaseView(CamelClusterService service, String namespace, LeaseStore store, ClusterProperties properties) {
        super(service, namespace);
        this.store = store;
        this.properties = properties;
    }

    @Override
    protected void doStart() {
        renewals = getCamelContext()
                .getExecutorServiceManager()
                .newSingleThreadScheduledExecutor(this, "cluster-lease-" + getNamespace());
        renewals.scheduleWithFixedDelay(
                this::renew, 0, properties.renewInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        if (renewals != null) {
            getCamelContext().getExecutorServiceManager().shutdownGraceful(renewals);
            renewals = null;
        }
        if (leader) {
            become(false);
            try {
                store.release(getNamespace(), properties.instanceId());
            } catch (DataAccessException e) {
                LOG.warn("could not release lease {}: it expires by itself", getNamespace());
            }
        }
    }

    private void renew() {
        boolean held;
        try {
            held = store.acquireOrRenew(getNamespace(), properties.instanceId(), properties.leaseDuration());
        } catch (DataAccessException | IllegalStateException e) {
            if (leader) {
                LOG.warn(
                        "lease {} not confirmed ({}): stepping down",
                        getNamespace(),
                        e.getClass().getSimpleName());
            } else {
                LOG.debug(
                        "lease {} not readable ({})",
                        getNamespace(),
                        e.getClass().getSimpleName());
            }
            held = false;
        }
        if (held != leader) {
            become(held);
        }
    }

    private void become(boolean nowLeader) {
        leader = nowLeader;
        LOG.info(
                "{} {} the singleton work ({})",
                properties.instanceId(),
                nowLeader ? "takes" : "leaves",
                getNamespace());
        fireLeadershipChangedEvent(getLeader());
    }

    @Override
    public Optional<CamelClusterMember> getLeader() {
        if (leader) {
            return Optional.of(local);
        }
        try {
            return store.current(getNamespace()).map(lease -> new RemoteMember(lease.holder()));
        } catch (DataAccessException e) {
            return Optional.empty();
        }
    }

    @Override
    public CamelClusterMember getLocalMember() {
        return local;
    }

    @Override
    public List<CamelClusterMember> getMembers() {
        // The lease knows only the holder; other instances are not registered anywhere.
        List<CamelClusterMember> members = new ArrayList<>();
        members.add(local);
        getLeader().filter(m -> !m.isLocal()).ifPresent(members::add);
        return members;
    }

    boolean isLeader() {
        return leader;
    }

    private final class LocalMember implements CamelClusterMember {
        @Override
        public String getId() {
            return properties.instanceId();
        }

        @Override
        public boolean isLeader() {
            return leader;
        }

        @Override
        public boolean isLocal() {
            return true;
        }
    }

    private record RemoteMember(String getId) implements CamelClusterMember {
        @Override
        public boolean isLeader() {
            return true;
        }

        @Override
        public boolean isLocal() {
            return false;
        }
    }
}
