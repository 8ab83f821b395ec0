package cn.tongban.cases;

/** 申请人类型: a person (identified by the 公民身份号码) or an organisation (by its USCC). */
public enum ApplicantType {
    PERSON,
    ORGANISATION
}
