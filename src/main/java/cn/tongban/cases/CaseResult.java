package cn.tongban.cases;

/** 办结结果: how a completed case ended, with its national code. */
public enum CaseResult {
    /** 出证: the licence or certificate was issued. */
    ISSUED("0"),
    /** 退件: returned to the applicant. */
    RETURNED("1"),
    /** 办结: done, nothing to issue. */
    DONE("6");

    private final String code;

    CaseResult(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
