-- 授权同意 (docs/verification.md): an applicant's consent that a notary office may have facts about
-- them verified. The person is named only by person_ref (HMAC-SM3 of the ID number, as in the
-- ledger); the signed consent form stays with the notary, the hub keeps its SM3 digest. A consent
-- is never deleted: a revocation is recorded on it, and verifications made under it name its id.
create table consent (
    id                uuid primary key,
    person_ref        char(64) not null,
    grantee_uscc      char(18) not null references participant (uscc),
    resource_code     text not null references resource (code),
    fields            text[] not null check (cardinality(fields) > 0),
    purpose           text not null,
    service_item_code text not null,
    case_number       text,
    evidence_digest   char(64) not null,
    valid_from        date not null,
    valid_until       date not null,
    given_at          timestamptz not null,
    recorded_at       timestamptz not null,
    recorded_by       text not null,
    revoked_at        timestamptz,
    revoked_by        text,
    revoke_reason     text,
    check (valid_until >= valid_from),
    check ((revoked_at is null) = (revoked_by is null) and (revoked_at is null) = (revoke_reason is null))
);
create index consent_grantee on consent (grantee_uscc, person_ref);
