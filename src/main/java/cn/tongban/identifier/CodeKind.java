package cn.tongban.identifier;

import java.time.LocalDate;

/** The national identifier codes the hub checks, each with the rule name that errors report. */
public enum CodeKind {
    USCC("uscc-gb32100"),
    REGION("region-code-gb2260"),
    ID_NUMBER("id-number-gb11643");

    private final String rule;

    CodeKind(String rule) {
        this.rule = rule;
    }

    public String rule() {
        return rule;
    }

    /** Why the value is not a valid code of this kind, or null when it is. */
    public String problem(String value) {
        return switch (this) {
            case USCC -> Uscc.problem(value);
            case REGION -> RegionCode.problem(value);
            case ID_NUMBER -> IdNumber.problem(value, LocalDate.now());
        };
    }
}
