-- Signed system requests (docs/signed-requests.md, ADR 0015).

-- A participant's systems' SM2 public keys. The id is SM3 of the SubjectPublicKeyInfo DER, so one
-- key belongs to one participant only; a revoked key is kept (the change log refers to it).
create table system_key (
    key_id           char(64) primary key,
    participant_uscc char(18) not null references participant (uscc),
    public_key       bytea not null,
    label            text,
    created_at       timestamptz not null,
    created_by       text not null,
    revoked_at       timestamptz,
    revoked_by       text
);
create index system_key_participant on system_key (participant_uscc);

-- Nonces seen within the replay window, shared by every hub instance: the primary key refuses a
-- second use. A row is needed only until its request's timestamp leaves the window.
create table signed_request_nonce (
    key_id     char(64) not null,
    nonce      text not null,
    expires_at timestamptz not null,
    primary key (key_id, nonce)
);
create index signed_request_nonce_expiry on signed_request_nonce (expires_at);

-- How a participant's systems must authenticate; no row: HTTP Basic credentials are accepted.
create table participant_authentication (
    participant_uscc        char(18) primary key references participant (uscc),
    require_signed_requests boolean not null,
    updated_at              timestamptz not null,
    updated_by              text not null
);
