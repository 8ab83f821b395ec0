package cn.tongban.exchange;

/**
 * 投递状态: where one delivery in the outbox stands. PENDING waits for its endpoint's delivery
 * route (or is leased to it while being sent); DELIVERED reached a webhook or topic; AVAILABLE
 * waits in the hub's mailbox until ACKED; DEAD is a dead letter, kept until replayed.
 */
public enum DeliveryStatus {
    PENDING,
    DELIVERED,
    AVAILABLE,
    ACKED,
    DEAD
}
