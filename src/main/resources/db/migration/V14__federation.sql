-- 平台联邦: peers (other provinces' platforms) with their pinned anchors, their last verified
-- directories, every message in and out with its receipt, and the nonces seen.

create table federation_peer (
    province           char(6) primary key,
    name               text not null,
    base_url           text not null,
    certificate_pem    text not null,
    -- SM3 of the anchor certificate's DER encoding (hex): what operators compare out of band.
    fingerprint        char(64) not null,
    status             text not null check (status in ('ACTIVE', 'SUSPENDED', 'REVOKED')),
    -- Our resources this peer may use, and the peer's resources we take in; '*' is every one.
    outbound_resources text[] not null default '{}',
    inbound_resources  text[] not null default '{}',
    created_at         timestamptz not null,
    updated_at         timestamptz not null,
    updated_by         text not null
);

-- The last directory fetched from each peer: its signed bytes when they verified, or why not.
create table federation_directory (
    province      char(6) primary key references federation_peer (province),
    body          bytea,
    signature     text,
    issued_at     timestamptz,
    expires_at    timestamptz,
    fetched_at    timestamptz,
    checked_at    timestamptz not null,
    problem       text
);

-- Resources and participants a peer's directory offers, as they appear in the local catalog.
create table federation_remote_resource (
    resource_code  text primary key,
    province       char(6) not null references federation_peer (province),
    subject        text not null,
    imported_at    timestamptz not null
);

create table federation_remote_participant (
    uscc       char(18) primary key,
    province   char(6) not null references federation_peer (province),
    seen_at    timestamptz not null
);

-- Every message in (IN) and out (OUT). The body is the exact signed bytes (SM4-GCM at rest: it
-- may carry personal data); digest is SM3 of those bytes, content_digest of its content fields.
create table federation_message (
    message_id       uuid not null,
    direction        text not null check (direction in ('IN', 'OUT')),
    peer             char(6) not null,
    type             text not null,
    conversation_id  text,
    content_digest   char(64) not null,
    digest           char(64),
    body             bytea not null,
        body_key_id      text not null,
    -- The sender's signature header over exactly those bytes: what proves who sent them.
    signature        text,
    status           text not null,
    attempts         int not null default 0,
    next_attempt_at  timestamptz,
    last_error       text,
    receipt          bytea,
    receipt_digest   char(64),
    receipt_signature text,
    created_at       timestamptz not null,
    sent_at          timestamptz,
    receipted_at     timestamptz,
    primary key (message_id, direction)
);
create index federation_message_due on federation_message (peer, next_attempt_at)
    where direction = 'OUT' and status in ('QUEUED', 'FAILED');
create index federation_message_peer on federation_message (peer, direction, created_at);

create table federation_nonce (
    peer     char(6) not null,
    nonce    text not null,
    seen_at  timestamptz not null,
    primary key (peer, nonce)
);
create index federation_nonce_seen on federation_nonce (seen_at);

-- An agreement that spans two platforms: the same id on both sides; here, which peer holds the
-- other side and, for a demand filed there, its id (the decision goes back naming it).
create table federation_agreement (
    agreement_id      uuid primary key,
    province          char(6) not null references federation_peer (province),
    remote_demand_id  uuid,
    side              text not null check (side in ('SUPPLY', 'DEMAND')),
    created_at        timestamptz not null
);
