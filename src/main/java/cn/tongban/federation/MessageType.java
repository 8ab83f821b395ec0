package cn.tongban.federation;

/** 消息类型: what an inter-platform message carries; the receiving platform acts on it by type. */
public enum MessageType {
    /** 连通测试: a test message, answered by its receipt only. */
    TEST(false),
    /** 需求转发: a demand for a resource the receiving platform's provider supplies. */
    DEMAND(false),
    /** 审核结果: the provider's decision on a forwarded demand; the agreement on both sides. */
    DECISION(false),
    /** 数据推送: signed envelopes of records for an agreement (subscription). */
    RECORDS(false),
    /** 接口查询: a synchronous query under an agreement, answered by a signed response. */
    QUERY(true),
    /** 办件转办: a case accepted at a counter, sent to the owning platform (异地代收代办, 多地联办). */
    CASE(false),
    /** 办件状态: a case's status change (受理, 办结, result), sent back to the receiving platform. */
    CASE_STATUS(false),
    /** 核验: a notary's verification question with the applicant's consent, answered by a signed response. */
    VERIFICATION(true);

    private final boolean request;

    MessageType(boolean request) {
        this.request = request;
    }

    /** Whether the message is about one resource, which it must then name (and the peer must allow). */
    public boolean needsResource() {
        return this == DEMAND || this == DECISION || this == RECORDS || this == QUERY || this == VERIFICATION;
    }

    /** Whether the sender waits for a signed response (bound to the request's digest) besides the receipt. */
    public boolean isRequest() {
        return request;
    }
}
