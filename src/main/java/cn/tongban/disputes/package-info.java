/**
 * 数据异议 (疑义/错误信息快速校核): a demander's objection that a record it received is wrong, and the
 * supplier's answer — the corrected record through the normal intake to every demander in force, or
 * a justified rejection — within its working-day limit, else escalated to the platform
 * administrator (docs/disputes.md). No other module depends on this one.
 */
package cn.tongban.disputes;
