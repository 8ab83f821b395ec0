package cn.tongban.catalog;

/** 共享类型, set per 信息项 (field): whether a demander gets it at once, after approval, or never. */
public enum SharingType {
    /** 无条件共享: granted directly. */
    UNCONDITIONAL,
    /** 有条件共享: the provider decides within 10 working days; a refusal gives reasons. */
    CONDITIONAL,
    /** 不予共享: never shared. */
    NOT_SHARED
}
