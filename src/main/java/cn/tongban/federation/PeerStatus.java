package cn.tongban.federation;

/** 对端状态: whether a peer's messages are taken and sent. */
public enum PeerStatus {
    /** messages flow both ways */
    ACTIVE,
    /** an operator paused it: its messages wait on both sides, nothing is refused as untrusted */
    SUSPENDED,
    /** its anchor is no longer trusted: everything it signs is refused */
    REVOKED
}
