-- The schema registry (Confluent Schema Registry API): global schema ids, versions per subject,
-- compatibility and mode settings. Soft-deleted versions stay until deleted permanently.

create table registry_schema (
    id           serial primary key,
    schema_type  text not null default 'AVRO',
    canonical    text not null,
    fingerprint  char(64) not null unique,
    created_at   timestamptz not null,
    created_by   text not null
);

create table registry_subject_version (
    subject     text not null,
    version     int not null,
    schema_id   int not null references registry_schema (id),
    deleted     boolean not null default false,
    created_at  timestamptz not null,
    created_by  text not null,
    primary key (subject, version)
);
create index registry_subject_version_schema on registry_subject_version (schema_id);

-- subject '' holds the global setting.
create table registry_config (
    subject        text primary key,
    compatibility  text not null
);

create table registry_mode (
    subject  text primary key,
    mode     text not null
);
