package cn.tongban.console;

import cn.tongban.web.ApiException;
import cn.tongban.web.ApiException.FieldProblem;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * A form's fields checked as the API checks a body (the request record's own constraints), and a
 * refusal's field problems keyed by field, so that each is shown beside its field.
 */
@Component
class FormProblems {

    private final Validator validator;

    FormProblems(Validator validator) {
        this.validator = validator;
    }

    void check(Object request) {
        List<FieldProblem> found = validator.validate(request).stream()
                .sorted(Comparator.comparing(
                        (ConstraintViolation<Object> v) -> v.getPropertyPath().toString()))
                .map(v -> new FieldProblem(
                        v.getPropertyPath().toString(),
                        v.getConstraintDescriptor()
                                .getAnnotation()
                                .annotationType()
                                .getSimpleName(),
                        v.getMessage()))
                .toList();
        if (!found.isEmpty()) {
            throw ApiException.invalid(found);
        }
    }

    /** A choice from a list, refused by name when it is not one of them. */
    static <E extends Enum<E>> E parse(Class<E> type, String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(field, "one-of", "is not one of the choices");
        }
    }

    static Map<String, String> byField(ApiException refusal) {
        Map<String, String> errors = new LinkedHashMap<>();
        refusal.problems().forEach(p -> errors.putIfAbsent(p.field(), p.message()));
        return errors;
    }
}
