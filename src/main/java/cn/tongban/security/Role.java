package cn.tongban.security;

/** What a person or system may do in the hub. */
public enum Role {
    /** 平台管理员: registers participants, may act for any of them (except approving their data). */
    PLATFORM_ADMIN,
    /** 部门管理员: maintains one participant's entries, endpoints and credentials. */
    DEPARTMENT_ADMIN,
    /** 审批人: decides conditional-sharing requests on the participant's resources. */
    APPROVER,
    /** 审计员: reads agreements, history and (later) the audit ledger. */
    AUDITOR,
    /** 运维: watches and replays routes. */
    OPERATOR,
    /** 系统接入: a participant's system calling the hub's APIs with a credential. */
    SYSTEM
}
