package cn.tongban.security;

/** What a person or system may do in the hub. */
public enum Role {
    /** 平台管理员: registers participants, may act for any of them (except approving their data). */
    PLATFORM_ADMIN,
    /** 部门管理员: maintains one participant's entries, endpoints, demands and credentials; does not approve. */
    DEPARTMENT_ADMIN,
    /** 审批人: decides conditional-sharing requests on the participant's resources; the only role that may. */
    APPROVER,
    /** 审计员: reads the ledger, agreements, history and reports; changes nothing. */
    AUDITOR,
    /** 运维: watches and replays routes, quarantine and dead letters, without seeing record content. */
    OPERATOR,
    /**
     * 系统接入: a participant's system calling the hub's APIs with a credential: intake, query,
     * mailbox. Never catalog administration (an endpoint at any address would receive its data).
     */
    SYSTEM
}
