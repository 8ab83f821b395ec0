package cn.tongban.schema;

import java.util.List;

/**
 * A registry refusal with Confluent's error code and message (e.g. 40401 subject not found), so
 * that Confluent clients react to it as they would to Confluent's own registry.
 */
public class RegistryException extends RuntimeException {

    private final int httpStatus;
    private final int errorCode;
    private final List<String> details;

    public RegistryException(int httpStatus, int errorCode, String message) {
        this(httpStatus, errorCode, message, List.of());
    }

    public RegistryException(int httpStatus, int errorCode, String message, List<String> details) {
        super(message);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
        this.details = List.copyOf(details);
    }

    public int httpStatus() {
        return httpStatus;
    }

    public int errorCode() {
        return errorCode;
    }

    /** The compatibility report of an incompatible schema; empty otherwise. */
    public List<String> details() {
        return details;
    }

    static RegistryException subjectNotFound(String subject) {
        return new RegistryException(404, 40401, "Subject '" + subject + "' not found.");
    }

    static RegistryException versionNotFound(int version) {
        return new RegistryException(404, 40402, "Version " + version + " not found.");
    }

    static RegistryException schemaNotFound() {
        return new RegistryException(404, 40403, "Schema not found");
    }

    static RegistryException schemaIdNotFound(int id) {
        return new RegistryException(404, 40403, "Schema " + id + " not found");
    }

    static RegistryException invalidSchema(String why) {
        return new RegistryException(422, 42201, "Invalid schema: " + why);
    }

    static RegistryException invalidVersion(String version) {
        return new RegistryException(
                422,
                42202,
                "The specified version '" + version + "' is not a valid version id. "
                        + "Allowed values are between [1, 2^31-1] and the string \"latest\"");
    }

    static RegistryException invalidCompatibility(String level) {
        return new RegistryException(
                422,
                42203,
                "Invalid compatibility level. Valid values are none, backward, forward, full, "
                        + "backward_transitive, forward_transitive, and full_transitive");
    }

    static RegistryException forbidden(String what) {
        return new RegistryException(403, 40301, "User is denied operation " + what);
    }
}
