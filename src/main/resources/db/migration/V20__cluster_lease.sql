-- 集群单例租约: which hub instance does the work that must run once (seals, partitions, archives,
-- polling suppliers, deadline checks, per-peer federation senders). One row per namespace; the
-- holder renews expires_at every few seconds, and any instance may take a row whose time is up.
create table cluster_lease (
    namespace   text primary key check (length(namespace) between 1 and 200),
    holder      text not null check (length(holder) between 1 and 200),
    acquired_at timestamptz not null,
    renewed_at  timestamptz not null,
    expires_at  timestamptz not null
);
