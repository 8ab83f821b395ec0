package cn.tongban.catalog;

/** 数据分级 (GB/T 43697-2024, with personal information graded): how carefully a field is handled. */
public enum Sensitivity {
    /** 一般数据 */
    GENERAL,
    /** 个人信息 */
    PERSONAL,
    /** 敏感个人信息: ID numbers, health, financial accounts … */
    SENSITIVE_PERSONAL,
    /** 重要数据 */
    IMPORTANT,
    /** 核心数据 */
    CORE
}
