package cn.tongban.web;

import java.util.List;
import org.springframework.http.HttpStatus;

/**
 * A request the hub refuses, with the fields and rules that refuse it; rendered as
 * {@code application/problem+json} by {@link ApiExceptionHandler}. Messages never carry submitted values.
 */
public class ApiException extends RuntimeException {

    /** A request target refused before any controller: by Tomcat or by the security firewall. */
    public static final FieldProblem REFUSED_PATH =
            new FieldProblem("path", "allowed-characters", "holds a character or sequence the hub refuses");

    private final HttpStatus status;
    private final List<FieldProblem> problems;

    public ApiException(HttpStatus status, String message, List<FieldProblem> problems) {
        super(message);
        this.status = status;
        this.problems = List.copyOf(problems);
    }

    public static ApiException invalid(String field, String rule, String message) {
        return new ApiException(
                HttpStatus.BAD_REQUEST, field + ": " + message, List.of(new FieldProblem(field, rule, message)));
    }

    public static ApiException invalid(List<FieldProblem> problems) {
        return new ApiException(
                HttpStatus.BAD_REQUEST,
                problems.get(0).field() + ": " + problems.get(0).message(),
                problems);
    }

    /** A reference in the request body to something that does not exist. */
    public static ApiException unknownReference(String field, String what) {
        return new ApiException(
                HttpStatus.UNPROCESSABLE_CONTENT,
                field + ": no such " + what,
                List.of(new FieldProblem(field, "must-exist", "no such " + what)));
    }

    public static ApiException notFound(String what) {
        return new ApiException(HttpStatus.NOT_FOUND, "no such " + what, List.of());
    }

    public static ApiException conflict(String field, String rule, String message) {
        return new ApiException(HttpStatus.CONFLICT, message, List.of(new FieldProblem(field, rule, message)));
    }

    public static ApiException forbidden(String message) {
        return new ApiException(HttpStatus.FORBIDDEN, message, List.of());
    }

    /**
     * The refusal a failure carries, when one is in its causes: a limit thrown from a request's
     * input stream reaches the handler wrapped by the parser that was reading.
     */
    public static ApiException in(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ApiException refusal) {
                return refusal;
            }
        }
        return null;
    }

    public HttpStatus status() {
        return status;
    }

    public List<FieldProblem> problems() {
        return problems;
    }

    /** One field that broke one rule. */
    public record FieldProblem(String field, String rule, String message) {}
}
