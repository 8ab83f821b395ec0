package cn.tongban.identifier;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;

class CodeValidator implements ConstraintValidator<ValidCode, String> {

    private CodeKind kind;

    @Override
    public void initialize(ValidCode annotation) {
        kind = annotation.value();
    }

    @Override
    public boolean isValid(String value, ConstraintValidatorContext context) {
        if (value == null) {
            return true;
        }
        String problem = kind.problem(value);
        if (problem == null) {
            return true;
        }
        context.disableDefaultConstraintViolation();
        // The problem texts are fixed English phrases without template characters; never the value itself.
        context.buildConstraintViolationWithTemplate(problem).addConstraintViolation();
        return false;
    }
}
