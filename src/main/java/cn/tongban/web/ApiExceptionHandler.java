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
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
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

    @ExceptionHandler(DataIntegrityViolationException.class)
    ResponseEntity<Object> integrity(DataIntegrityViolationException e) {
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
        String incident = UUID.randomUUID().toString();
        log.error("incident {}: unexpected {}", incident, e.getClass().getName());
        log.debug("incident {}", incident, e);
        ProblemDetail body = ProblemDetail.forStatusAndDetail(
                HttpStatus.INTERNAL_SERVER_ERROR, "internal error; quote incident " + incident);
        body.setType(URI.create(TYPE_PREFIX + "internal"));
        body.setProperty("incident", incident);
        return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR).body(body);
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

    @Override
    protected ResponseEntity<Object> createResponseEntity(
            Object body, HttpHeaders headers, HttpStatusCode statusCode, WebRequest request) {
        if (body instanceof ProblemDetail detail && detail.getType().equals(URI.create("about:blank"))) {
            detail.setType(URI.create(
                    TYPE_PREFIX + kebab(HttpStatus.valueOf(statusCode.value()).name())));
        }
        return super.createResponseEntity(body, headers, statusCode, request);
    }

    static ResponseEntity<Object> problem(HttpStatus status, String detail, List<ApiException.FieldProblem> problems) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
        body.setType(URI.create(TYPE_PREFIX + kebab(status.name())));
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
