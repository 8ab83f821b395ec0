package cn.tongban.schema;

/** One version of a subject and the schema it points to; soft-deleted versions keep their number. */
public record SubjectVersion(String subject, int version, int schemaId, boolean deleted) {}
