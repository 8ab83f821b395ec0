package cn.tongban.web;

import cn.tongban.identifier.ValidCode;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.ServletRequestBindingException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;

/**
 * Turns every refusal into {@code application/problem+json} with an {@code errors} list of
 * field, rule and message. Submitted values are never echoed (they may be ID numbers), and an
 * unexpected failure answers with an incident id only: no stack trace leaves the hub.
 */
@RestControllerAdvice
public class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);
    static final String TYPE_PREFIX = "urn:tongban:problem:";
    private static final URI BLANK_TYPE = URI.create("about:blank");
    /** SQL state 22021, character_not_in_repertoire: what PostgreSQL answers to a NUL in text. */
    private static final String UNSTORABLE_TEXT = "22021";

    private static final ApiException.FieldProblem NUL =
            new ApiException.FieldProblem("text", "no-nul", "must not contain the NUL character (U+0000)");

    @ExceptionHandler(ApiException.class)
    ResponseEntity<Object> apiException(ApiException e) {
        return problem(e.status(), e.getMessage(), e.problems());
    }

    @ExceptionHandler(ConstraintViolationException.class)
    ResponseEntity<Object> constraintViolation(ConstraintViolationException e) {
        List<ApiException.FieldProblem> problems = e.getConstraintViolations().stream()
                .map(v -> new ApiException.FieldProblem(lastPathNode(v), rule(v), v.getMessage()))
                .toList();
        return problem(HttpStatus.BAD_REQUEST, summary(problems), problems);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Object> typeMismatch(MethodArgumentTypeMismatchException e) {
        var problem =
                new ApiException.FieldProblem(e.getName(), "type", "is not a valid " + typeName(e.getRequiredType()));
        return problem(HttpStatus.BAD_REQUEST, summary(List.of(problem)), List.of(problem));
    }

    /** Tomcat's refusal of a query string that is not percent-encoded UTF-8 (#13: it answered 500). */
    @ExceptionHandler(org.apache.tomcat.util.http.InvalidParameterException.class)
    ResponseEntity<Object> invalidParameters(org.apache.tomcat.util.http.InvalidParameterException e) {
        var problem = new ApiException.FieldProblem(
                "query", "percent-encoded-utf8", "parameters must be percent-encoded UTF-8");
        return problem(HttpStatus.BAD_REQUEST, summary(List.of(problem)), List.of(problem));
    }

    @ExceptionHandler(DataIntegrityViolationException.class)
    ResponseEntity<Object> integrity(DataIntegrityViolationException e) {
        if (e.getMostSpecificCause() instanceof java.sql.SQLException sql
                && UNSTORABLE_TEXT.equals(sql.getSQLState())) {
            // PostgreSQL stores no U+0000 in text; the request checks catch it first, this is the backstop.
            return problem(HttpStatus.BAD_REQUEST, NUL.field() + ": " + NUL.message(), List.of(NUL));
        }
        // Operators get the SQL state and constraint name; PostgreSQL's message may quote values.
        if (e.getMostSpecificCause() instanceof org.postgresql.util.PSQLException psql
                && psql.getServerErrorMessage() != null) {
            log.warn(
                    "write refused by the database: SQL state {}, constraint {}, column {}",
                    psql.getSQLState(),
                    psql.getServerErrorMessage().getConstraint(),
                    psql.getServerErrorMessage().getColumn());
        } else {
            log.warn(
                    "write refused by the database: {}",
                    e.getMostSpecificCause().getClass().getName());
        }
        // Reached only when a concurrent request won a race the services checked for; the detail
        // from PostgreSQL may quote values, so it stays out of the answer.
        return problem(HttpStatus.CONFLICT, "the request conflicts with data written at the same time", List.of());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e) {
        ApiException refusal = ApiException.in(e);
        if (refusal != null) {
            return apiException(refusal);
        }
        return incident(HttpStatus.INTERNAL_SERVER_ERROR, e);
    }

    /** A server failure: an incident id in the answer, the exception's class (not its message) in the log. */
    static ResponseEntity<Object> incident(HttpStatusCode status, Throwable e) {
        String incident = UUID.randomUUID().toString();
        log.error(
                "incident {}: unexpected {}",
                incident,
                e == null ? "failure" : e.getClass().getName());
        log.debug("incident {}", incident, e);
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, "internal error; quote incident " + incident);
        body.setType(URI.create(TYPE_PREFIX + "internal"));
        body.setProperty("incident", incident);
        return ResponseEntity.status(status).body(body);
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestParameter(
            MissingServletRequestParameterException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return refused(HttpStatus.BAD_REQUEST, headers, e.getParameterName(), "required", "is required");
    }

    @Override
    protected ResponseEntity<Object> handleServletRequestBindingException(
            ServletRequestBindingException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        if (e instanceof MissingRequestHeaderException missing) {
            return refused(HttpStatus.BAD_REQUEST, headers, missing.getHeaderName(), "required", "is required");
        }
        return super.handleServletRequestBindingException(e, headers, status, request);
    }

    @Override
    protected ResponseEntity<Object> handleHttpRequestMethodNotSupported(
            HttpRequestMethodNotSupportedException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        // Not super: it logs every wrong method at WARN, a flood anyone can cause.
        return refused(
                HttpStatus.METHOD_NOT_ALLOWED,
                headers,
                "method",
                "supported-method",
                "must be one of "
                        + String.join(", ", e.getSupportedMethods() == null ? new String[0] : e.getSupportedMethods()));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(
            HttpMediaTypeNotSupportedException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return refused(
                HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                headers,
                HttpHeaders.CONTENT_TYPE,
                "supported-media-type",
                "must be one of " + MediaType.toString(e.getSupportedMediaTypes()));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotAcceptable(
            HttpMediaTypeNotAcceptableException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return refused(
                HttpStatus.NOT_ACCEPTABLE,
                headers,
                HttpHeaders.ACCEPT,
                "acceptable-media-type",
                "must accept one of " + MediaType.toString(e.getSupportedMediaTypes()));
    }

    @Override
    protected ResponseEntity<Object> handleNoResourceFoundException(
            NoResourceFoundException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        // Spring's detail names the path, which may hold an ID number.
        return problem(HttpStatus.NOT_FOUND, "no such path", List.of());
    }

    @Override
    protected ResponseEntity<Object> handleNoHandlerFoundException(
            NoHandlerFoundException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return problem(HttpStatus.NOT_FOUND, "no such path", List.of());
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(
            MethodArgumentNotValidException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<ApiException.FieldProblem> problems = new ArrayList<>();
        for (FieldError error : e.getBindingResult().getFieldErrors()) {
            problems.add(new ApiException.FieldProblem(error.getField(), rule(error), error.getDefaultMessage()));
        }
        e.getBindingResult()
                .getGlobalErrors()
                .forEach(error -> problems.add(new ApiException.FieldProblem(
                        error.getObjectName(), kebab(String.valueOf(error.getCode())), error.getDefaultMessage())));
        return problem(HttpStatus.BAD_REQUEST, summary(problems), problems);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ApiException refusal = ApiException.in(e);
        if (refusal != null) {
            return apiException(refusal);
        }
        String field = "body";
        String message = "is not readable JSON of the expected shape";
        if (e.getMostSpecificCause() instanceof JacksonException jackson
                && !jackson.getPath().isEmpty()) {
            field = jackson.getPath().stream()
                    .map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining("."))
                    .replace(".[", "[");
            message = "has a value of the wrong type or an unknown constant";
        }
        var problem = new ApiException.FieldProblem(field, "readable", message);
        return problem(HttpStatus.BAD_REQUEST, summary(List.of(problem)), List.of(problem));
    }

    /** Every answer of the base class passes here: a server failure becomes an incident. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(
            Exception e, Object body, HttpHeaders headers, HttpStatusCode statusCode, WebRequest request) {
        if (statusCode.is5xxServerError()) {
            return incident(statusCode, e);
        }
        return super.handleExceptionInternal(e, body, headers, statusCode, request);
    }

    @Override
    protected ResponseEntity<Object> createResponseEntity(
            Object body, HttpHeaders headers, HttpStatusCode statusCode, WebRequest request) {
        // Since Spring Framework 7 a ProblemDetail's type is null unless set (#12: this NPE'd).
        if (body instanceof ProblemDetail detail && (detail.getType() == null || BLANK_TYPE.equals(detail.getType()))) {
            detail.setType(typeOf(statusCode));
        }
        return super.createResponseEntity(body, headers, statusCode, request);
    }

    private static ResponseEntity<Object> refused(
            HttpStatus status, HttpHeaders headers, String field, String rule, String message) {
        var problem = new ApiException.FieldProblem(field, rule, message);
        ResponseEntity<Object> answer = problem(status, summary(List.of(problem)), List.of(problem));
        return ResponseEntity.status(status).headers(headers).body(answer.getBody());
    }

    /** {@code urn:tongban:problem:} and the status's name, e.g. {@code not-found}. */
    static URI typeOf(HttpStatusCode status) {
        HttpStatus known = HttpStatus.resolve(status.value());
        return URI.create(TYPE_PREFIX + (known == null ? String.valueOf(status.value()) : kebab(known.name())));
    }

    static ResponseEntity<Object> problem(HttpStatus status, String detail, List<ApiException.FieldProblem> problems) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
        body.setType(typeOf(status));
        if (!problems.isEmpty()) {
            body.setProperty("errors", problems);
        }
        return ResponseEntity.status(status).body(body);
    }

    private static String summary(List<ApiException.FieldProblem> problems) {
        return problems.stream().map(p -> p.field() + ": " + p.message()).collect(Collectors.joining("; "));
    }

    private static String rule(ConstraintViolation<?> violation) {
        if (violation.getConstraintDescriptor().getAnnotation() instanceof ValidCode code) {
            return code.value().rule();
        }
        return kebab(violation
                .getConstraintDescriptor()
                .getAnnotation()
                .annotationType()
                .getSimpleName());
    }

    private static String rule(FieldError error) {
        try {
            ConstraintViolation<?> violation = error.unwrap(ConstraintViolation.class);
            return rule(violation);
        } catch (IllegalArgumentException notAViolation) {
            return kebab(String.valueOf(error.getCode()));
        }
    }

    private static String lastPathNode(ConstraintViolation<?> violation) {
        String path = violation.getPropertyPath().toString();
        int dot = path.indexOf('.');
        return dot >= 0 ? path.substring(dot + 1) : path;
    }

    private static String typeName(Class<?> type) {
        return type == null ? "value" : type.getSimpleName();
    }

    static String kebab(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").replace('_', '-').toLowerCase();
    }
}
