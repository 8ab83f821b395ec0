package cn.tongban.cases;

/** 办理模式: how a case crosses places (国办发〔2020〕35号). */
public enum CaseMode {
    /** 异地代收代办: the counter checks form and identity and forwards; the owning office decides. */
    PROXY,
    /** 多地联办: applied for in one place; the other places cooperate, sharing the materials. */
    JOINT
}
