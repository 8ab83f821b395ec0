package cn.tongban.ledger;

/**
 * 审计事实: how a module without its own listener here puts an entry in the ledger — publish it as
 * an application event; inside a transaction it is appended with that transaction's commit.
 */
public record AuditFact(LedgerEntry entry) {}
