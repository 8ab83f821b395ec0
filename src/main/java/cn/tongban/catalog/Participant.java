package cn.tongban.catalog;

import java.time.Instant;

/** 参与方: an organisation registered with the hub, identified by its 统一社会信用代码. */
public record Participant(
        String uscc,
        String name,
        ParticipantKind kind,
        String regionCode,
        String contactOffice,
        String contactPhone,
        String contactEmail,
        String publicKeyPem,
        Instant createdAt,
        Instant updatedAt) {}
