-- One delivery route per demand endpoint (#12): each delivery names the endpoint it is for, so
-- that route claims its own due deliveries, and operators see backlog and lag per endpoint.
alter table delivery add column endpoint_id uuid;

update delivery d set endpoint_id = e.id
from endpoint e
where e.participant_uscc = d.demander_uscc and e.direction = 'DEMAND' and e.kind = d.endpoint_kind
  and e.address is not distinct from d.endpoint_address;

-- A pending delivery whose endpoint has left the catalog has no route to carry it: a dead letter,
-- visible with its reason.
update delivery set status = 'DEAD', last_error = 'its endpoint is no longer registered'
where status = 'PENDING' and endpoint_id is null;

drop index delivery_due;
create index delivery_endpoint_due on delivery (endpoint_id, id) where status = 'PENDING';
create index delivery_endpoint_dead on delivery (endpoint_id, id) where status = 'DEAD';

-- What operators decided about a route (suspended for maintenance with a partner), kept across
-- restarts so a suspended route starts suspended.
create table route_control (
    route_id    text primary key,
    suspended   boolean not null,
    reason      text,
    changed_by  text not null,
    changed_at  timestamptz not null
);

-- Quarantine size is a gauge operators watch.
create index quarantine_held on quarantine (received_at) where status = 'HELD';

-- A delivery route's lease on what it is sending: one row per pass naming the ids it claimed, so no
-- other claim (another instance, or this one after a crash, until it runs out) takes them while the
-- partner answers — one small row instead of an update of every claimed delivery. The holder is the
-- hub instance (tongban.exchange.instance-id): restarted after a crash, it ends its own old leases.
create table delivery_lease (
    id           bigserial primary key,
    endpoint_id  uuid not null,
    delivery_ids bigint[] not null,
    holder       text not null,
    until        timestamptz not null
);
create index delivery_lease_endpoint on delivery_lease (endpoint_id, until);
