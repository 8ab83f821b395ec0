package cn.tongban.catalog;

/** 资源分类 of the government information resource catalog (政务信息资源目录). */
public enum ResourceCategory {
    /** 基础: 人口 */
    POPULATION,
    /** 基础: 法人 */
    LEGAL_PERSON,
    /** 基础: 自然资源和空间地理 */
    GEOSPATIAL,
    /** 基础: 社会信用 */
    SOCIAL_CREDIT,
    /** 基础: 电子证照 */
    E_LICENCE,
    /** 主题 */
    THEME,
    /** 部门 */
    DEPARTMENT
}
