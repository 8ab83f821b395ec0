package cn.tongban.catalog;

/** 信息项: one field of a resource's Avro schema, with its own sharing type, grade and default masking. */
public record ResourceField(
        String name,
        String title,
        String avroType,
        SharingType sharingType,
        Sensitivity sensitivity,
        MaskingRule masking) {}
