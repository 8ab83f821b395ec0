-- The catalog (目录): participants, their endpoints and credentials, the three lists, agreements, history.

create table participant (
    uscc            char(18) primary key,
    name            text not null,
    kind            text not null check (kind in ('DEPARTMENT', 'NOTARY_OFFICE', 'PEER_PLATFORM')),
    region_code     char(6) not null,
    contact_office  text,
    contact_phone   text,
    contact_email   text,
    public_key_pem  text,
    created_at      timestamptz not null,
    updated_at      timestamptz not null
);

create table endpoint (
    id               uuid primary key,
    participant_uscc char(18) not null references participant (uscc),
    direction        text not null check (direction in ('SUPPLY', 'DEMAND')),
    kind             text not null,
    address          text,
    resource_code    text,
    created_at       timestamptz not null
);
create index endpoint_participant on endpoint (participant_uscc);

create table account (
    username         text primary key,
    kind             text not null check (kind in ('PERSON', 'SYSTEM')),
    participant_uscc char(18) references participant (uscc),
    roles            text[] not null,
    secret_hash      text not null,
    display_name     text,
    created_at       timestamptz not null,
    created_by       text not null,
    revoked_at       timestamptz,
    revoked_by       text
);
create index account_participant on account (participant_uscc);

create table resource (
    code              text primary key,
    name              text not null,
    provider_uscc     char(18) not null references participant (uscc),
    summary           text not null,
    category          text not null,
    format            text not null,
    avro_schema       text not null,
    sharing_modes     text[] not null,
    sharing_condition text,
    update_cycle      text not null,
    open_to_public    boolean not null default false,
    published_on      date not null,
    created_at        timestamptz not null,
    updated_at        timestamptz not null
);
create index resource_provider on resource (provider_uscc);

-- 信息项: one row per field of the resource's Avro schema, with its own sharing type.
create table resource_field (
    resource_code  text not null references resource (code) on delete cascade,
    position       int not null,
    name           text not null,
    title          text not null,
    avro_type      text not null,
    sharing_type   text not null check (sharing_type in ('UNCONDITIONAL', 'CONDITIONAL', 'NOT_SHARED')),
    sensitivity    text not null,
    masking        text not null,
    primary key (resource_code, name)
);

create table negative_list_entry (
    id             uuid primary key,
    provider_uscc  char(18) not null references participant (uscc),
    resource_code  text not null references resource (code),
    field_name     text,
    reason         text not null,
    legal_basis    text not null,
    created_at     timestamptz not null,
    created_by     text not null
);
create unique index negative_list_unique on negative_list_entry (resource_code, coalesce(field_name, ''));

create table demand (
    id                 uuid primary key,
    requester_uscc     char(18) not null references participant (uscc),
    resource_code      text references resource (code),
    need               text,
    service_item_code  text not null,
    service_item_name  text,
    purpose            text not null,
    legal_basis        text not null,
    mode               text not null check (mode in ('REALTIME', 'BATCH')),
    valid_from         date not null,
    valid_until        date not null,
    status             text not null,
    filed_at           timestamptz not null,
    filed_by           text not null,
    check (valid_until >= valid_from),
    check (resource_code is not null or need is not null)
);
create index demand_requester on demand (requester_uscc);
create index demand_resource on demand (resource_code);

create table demand_field (
    demand_id  uuid not null references demand (id) on delete cascade,
    position   int not null,
    name       text not null,
    primary key (demand_id, name)
);

create table agreement (
    id                 uuid primary key,
    demand_id          uuid not null unique references demand (id),
    resource_code      text not null references resource (code),
    provider_uscc      char(18) not null references participant (uscc),
    demander_uscc      char(18) not null references participant (uscc),
    service_item_code  text not null,
    purpose            text not null,
    legal_basis        text not null,
    valid_from         date not null,
    expires_on         date not null,
    filed_on           date not null,
    approval_deadline  date,
    delivery_deadline  date,
    revoked_at         timestamptz,
    revoked_by         text,
    revoke_reason      text,
    created_at         timestamptz not null,
    updated_at         timestamptz not null
);
create index agreement_resource on agreement (resource_code);
create index agreement_provider on agreement (provider_uscc);
create index agreement_demander on agreement (demander_uscc);

create table agreement_field (
    agreement_id  uuid not null references agreement (id) on delete cascade,
    position      int not null,
    name          text not null,
    sharing_type  text not null,
    state         text not null check (state in ('GRANTED', 'PENDING', 'REFUSED')),
    masking       text not null,
    reason        text,
    legal_basis   text,
    decided_at    timestamptz,
    decided_by    text,
    primary key (agreement_id, name)
);

-- Every change to the catalog and agreements: who, when, what it was before and after.
create table catalog_change (
    id           bigserial primary key,
    at           timestamptz not null,
    actor        text not null,
    entity_type  text not null,
    entity_id    text not null,
    action       text not null,
    before       jsonb,
    after        jsonb
);
create index catalog_change_entity on catalog_change (entity_type, entity_id, id);
