/**
 * 监督考核: the supervision report on how each department (provider) meets the sharing rules —
 * conditional requests answered within 10 working days, data quality, timeliness against the
 * declared 更新周期, disputes — and the monthly reports issued for the record (SM3-digested,
 * audited, never changed). It reads the catalog's, exchange's and disputes' tables and is used by
 * no other module.
 */
package cn.tongban.supervision;
