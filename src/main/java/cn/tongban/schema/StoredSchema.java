package cn.tongban.schema;

/** A registered schema: its global id, type and canonical text. */
public record StoredSchema(int id, String schemaType, String canonical) {}
