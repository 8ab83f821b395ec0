package cn.tongban.catalog;

import java.util.regex.Pattern;

/** 接入端点类型: how records reach the hub from a supplier, or leave it for a demander. */
public enum EndpointKind {
    /** Supply: the hub calls the supplier's query URL (接口) — synchronous queries and incremental pulls. */
    HTTP_QUERY(Direction.SUPPLY, AddressShape.HTTP_URL),
    /** Supply: the supplier posts batches to the hub; no address (the hub's URL is fixed). */
    HTTP_PUSH(Direction.SUPPLY, AddressShape.NONE),
    /** Supply or demand: a Kafka topic in the Confluent wire format. */
    KAFKA_TOPIC(null, AddressShape.KAFKA_TOPIC),
    /** Supply: CSV or JSON-lines files dropped in a directory (文件). */
    FILE_DROP(Direction.SUPPLY, AddressShape.ABSOLUTE_PATH),
    /** Demand: the hub posts records to the demander's webhook (订阅). */
    WEBHOOK(Direction.DEMAND, AddressShape.HTTP_URL),
    /** Demand: the demander fetches from a mailbox at the hub and acknowledges; no address. */
    MAILBOX(Direction.DEMAND, AddressShape.NONE),
    /**
     * Demand: a demander in another province, reached through its province's platform (对端平台);
     * the address is that province's code. Registered by federation, never by hand.
     */
    PEER_PLATFORM(Direction.DEMAND, AddressShape.PROVINCE);

    /** Whether an endpoint serves the supply side or the demand side. */
    public enum Direction {
        SUPPLY,
        DEMAND
    }

    enum AddressShape {
        NONE(null, "must be empty: the hub hosts this endpoint"),
        HTTP_URL(Pattern.compile("^https?://[^\\s/$.?#][^\\s]*$"), "must be an absolute http(s) URL"),
        KAFKA_TOPIC(Pattern.compile("^[a-zA-Z0-9._-]{1,249}$"), "must be a Kafka topic name (letters, digits, . _ -)"),
        ABSOLUTE_PATH(Pattern.compile("^/[^\\x00]*$"), "must be an absolute directory path"),
        PROVINCE(Pattern.compile("^[0-9]{2}0000$"), "must be a province's 6-digit code, e.g. 440000");

        final Pattern pattern;
        final String rule;

        AddressShape(Pattern pattern, String rule) {
            this.pattern = pattern;
            this.rule = rule;
        }
    }

    private final Direction only;
    private final AddressShape address;

    EndpointKind(Direction only, AddressShape address) {
        this.only = only;
        this.address = address;
    }

    public boolean serves(Direction direction) {
        return only == null || only == direction;
    }

    /** Why the address does not fit this kind, or null when it does. */
    public String addressProblem(String value) {
        boolean blank = value == null || value.isBlank();
        if (address == AddressShape.NONE) {
            return blank ? null : address.rule;
        }
        return !blank && address.pattern.matcher(value).matches() ? null : address.rule;
    }
}
