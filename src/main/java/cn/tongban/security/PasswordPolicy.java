package cn.tongban.security;

import cn.tongban.web.ApiException.FieldProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * 口令策略 for people's passwords set through the API: at least 12 characters (checked on the
 * request), at least three of the four classes lower case, upper case, digit and other, and not
 * containing the username. The problems name the field {@code password} and the rule broken.
 */
final class PasswordPolicy {

    static final int MIN_CLASSES = 3;

    private PasswordPolicy() {}

    static List<FieldProblem> problems(String username, String password) {
        List<FieldProblem> problems = new ArrayList<>();
        if (password == null) {
            return problems;
        }
        if (classes(password) < MIN_CLASSES) {
            problems.add(new FieldProblem(
                    "password",
                    "character-classes",
                    "must mix at least " + MIN_CLASSES
                            + " of: lower-case letters, upper-case letters, digits, other characters"));
        }
        if (username != null
                && !username.isBlank()
                && password.toLowerCase(Locale.ROOT).contains(username.toLowerCase(Locale.ROOT))) {
            problems.add(new FieldProblem("password", "not-username", "must not contain the username"));
        }
        return problems;
    }

    private static int classes(String password) {
        boolean lower = false;
        boolean upper = false;
        boolean digit = false;
        boolean other = false;
        for (int i = 0; i < password.length(); ) {
            int c = password.codePointAt(i);
            i += Character.charCount(c);
            if (Character.isLowerCase(c)) {
                lower = true;
            } else if (Character.isUpperCase(c)) {
                upper = true;
            } else if (Character.isDigit(c)) {
                digit = true;
            } else {
                other = true;
            }
        }
        return (lower ? 1 : 0) + (upper ? 1 : 0) + (digit ? 1 : 0) + (other ? 1 : 0);
    }
}
