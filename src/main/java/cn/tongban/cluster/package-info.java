/**
 * 集群单例任务: work that must run on one hub instance at a time when several share one
 * PostgreSQL — ledger seals, partition upkeep, archives, polling suppliers, deadline checks, the
 * per-peer federation senders — and moves to another instance within seconds when the one doing it
 * dies. Routes opt in with {@code routePolicyRef: singletonRoutePolicy}; Camel's ClusteredRoutePolicy starts
 * and stops them as this instance gains and loses a lease kept in PostgreSQL (ADR 0018).
 */
package cn.tongban.cluster;
