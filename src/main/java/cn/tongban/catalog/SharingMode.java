package cn.tongban.catalog;

/** 共享方式: how a resource is offered. */
public enum SharingMode {
    /** 接口: synchronous query */
    QUERY,
    /** 订阅: records pushed as they change */
    SUBSCRIBE,
    /** 文件: batch files */
    FILE
}
