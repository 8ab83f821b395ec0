package cn.tongban.catalog;

import java.time.Instant;
import java.util.UUID;

/** 接入端点: where a participant's system sends or receives records, optionally for one resource. */
public record Endpoint(
        UUID id,
        String participantUscc,
        EndpointKind.Direction direction,
        EndpointKind kind,
        String address,
        String resourceCode,
        Integer schemaVersion,
        Instant createdAt) {}
