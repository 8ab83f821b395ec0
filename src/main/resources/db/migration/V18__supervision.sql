-- 监督考核 (docs/supervision.md): the monthly supervision reports issued for the record. The body is
-- the exact JSON text that was digested (SM3, hex), kept as text because jsonb would reorder keys
-- and break the digest. One report per month; an issued report is never changed or removed.
create table supervision_report (
    period        char(7) primary key check (period ~ '^[0-9]{4}-[0-9]{2}$'),
    period_from   date not null,
    period_to     date not null,
    generated_at  timestamptz not null,
    generated_by  text not null,
    digest        char(64) not null,
    body          text not null,
    check (period_to >= period_from)
);

create or replace function supervision_report_kept() returns trigger
    language plpgsql as $$
begin
    raise exception 'an issued supervision report is kept as issued (period %)', old.period;
end;
$$;

create trigger supervision_report_kept
    before update or delete on supervision_report
    for each row execute function supervision_report_kept();
