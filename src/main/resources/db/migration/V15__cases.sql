-- 办件 (cases): accepted at a counter in one province for a service item owned by an office in
-- another (异地代收代办) or shared by several places (多地联办). A person's ID number and name are
-- kept only encrypted (SM4-GCM, with the data key's id) and as the ledger's HMAC-SM3 reference;
-- materials only as their SM3 digests. The timeline is appended to, never changed.

create table case_file (
    serial             text primary key,
    service_item_code  text not null,
    service_item_name  text not null,
    mode               text not null check (mode in ('PROXY', 'JOINT')),
    applicant_type     text not null check (applicant_type in ('PERSON', 'ORGANISATION')),
    applicant_ref      char(64),
    applicant_id_enc   bytea not null,
    applicant_name_enc bytea not null,
    applicant_key_id   text not null,
    receiving_province char(6) not null,
    receiving_office   char(18) not null,
    owning_province    char(6) not null,
    owning_office      char(18) not null,
    status             text not null
        check (status in ('RECEIVED', 'FORWARDED', 'ACCEPTED', 'REJECTED', 'COMPLETED')),
    reject_reason      text,
    result             text check (result in ('ISSUED', 'RETURNED', 'DONE')),
    result_note        text,
    created_at         timestamptz not null,
    updated_at         timestamptz not null,
    check ((applicant_type = 'PERSON') = (applicant_ref is not null)),
    check ((status = 'COMPLETED') = (result is not null))
);
create index case_file_receiving on case_file (receiving_office, updated_at);
create index case_file_owning on case_file (owning_office, updated_at);
create index case_file_applicant on case_file (applicant_ref) where applicant_ref is not null;

create table case_material (
    serial     text not null references case_file (serial),
    position   int not null,
    name       text not null,
    media_type text not null,
    size       bigint not null check (size >= 0),
    sm3        char(64) not null,
    primary key (serial, position)
);

-- 办理过程: each step as it happened, on whichever side; a step that crossed platforms names the
-- federation message that carried it, so both sides' timelines hold the same steps.
create table case_step (
    serial     text not null references case_file (serial),
    seq        int not null,
    at         timestamptz not null,
    status     text not null,
    by_actor   text not null,
    province   char(6) not null,
    message_id text,
    reason     text,
    result     text,
    note       text,
    primary key (serial, seq)
);
create index case_step_message on case_step (message_id) where message_id is not null;

-- Inbound federation messages acted on, by id: a message delivered twice is acted on once.
create table case_inbound_message (
    message_id  text primary key,
    type        text not null,
    serial      text not null,
    acted_at    timestamptz not null
);

create function case_step_refuse_change() returns trigger language plpgsql as $$
begin
    raise exception 'a case timeline is append-only: % on % refused', tg_op, tg_table_name
        using errcode = 'insufficient_privilege';
end;
$$;
create trigger case_step_append_only before update or delete on case_step
    for each row execute function case_step_refuse_change();
create trigger case_step_no_truncate before truncate on case_step
    for each statement execute function case_step_refuse_change();

do $$
begin
    if exists (select 1 from pg_roles where rolname = 'tongban_app') then
        revoke update, delete, truncate on case_step, case_inbound_message from tongban_app;
    end if;
end;
$$;
