package cn.tongban.catalog;

/** 参与方类型: who takes part in the exchange. */
public enum ParticipantKind {
    /** 部门: a provincial or city department. */
    DEPARTMENT,
    /** 公证处: a notary office. */
    NOTARY_OFFICE,
    /** 对端平台: another province's exchange platform, or the national platform. */
    PEER_PLATFORM
}
