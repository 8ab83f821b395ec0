/**
 * 限额: bounds on what a caller may send and how often — request bodies, records and fields, NUL
 * characters, request rates — each refusal a problem+json (or, for a record, a quarantine reason).
 */
package cn.tongban.limits;
