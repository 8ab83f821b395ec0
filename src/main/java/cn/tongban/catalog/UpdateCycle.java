package cn.tongban.catalog;

/** 更新周期 of a resource. */
public enum UpdateCycle {
    REALTIME,
    HOURLY,
    DAILY,
    WEEKLY,
    MONTHLY,
    QUARTERLY,
    YEARLY
}
