package cn.tongban.catalog;

/** 脱敏规则: how a field is masked before it reaches a demander, after government platform practice. */
public enum MaskingRule {
    /** delivered as it is */
    NONE,
    /** mobile number keeps 3 + 4: 138****5678 */
    MOBILE,
    /** ID number keeps the first 6 and last 4: 430102********1234 */
    ID_NUMBER,
    /** a name keeps its surname: 张*, 张** */
    NAME,
    /** an address is kept down to the district */
    ADDRESS,
    /** the value is withheld entirely */
    REDACT
}
