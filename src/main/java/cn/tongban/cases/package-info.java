/**
 * 办件: cases accepted at a counter in this province for a service item owned elsewhere
 * (异地代收代办, 多地联办), their timelines on both sides, and the CASE and CASE_STATUS messages
 * between the platforms. A person's ID number and name are never stored, answered or audited in
 * clear; only the message to the owning platform carries them.
 */
package cn.tongban.cases;
