package cn.tongban.identifier;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Bean Validation constraint for the national identifier codes; null passes (use @NotNull too). */
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = CodeValidator.class)
public @interface ValidCode {

    CodeKind value();

    String message() default "is not a valid code";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
