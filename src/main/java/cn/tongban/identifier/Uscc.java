package cn.tongban.identifier;

/**
 * 统一社会信用代码 (unified social credit code, GB 32100-2015): 18 characters from a 31-letter
 * alphabet, positions 3–8 a region code, the last a weighted mod-31 check character.
 */
public final class Uscc {

    /** The code alphabet: digits and capitals without I, O, S, V, Z. */
    static final String ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    private static final int[] WEIGHTS = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
    private static final String REGISTRATION_AUTHORITIES = "123456789ANY";

    private Uscc() {}

    public static boolean isValid(String code) {
        return problem(code) == null;
    }

    /** Why the code is invalid, or null when it is valid. */
    public static String problem(String code) {
        if (code == null || code.length() != 18) {
            return "must be 18 characters";
        }
        for (int i = 0; i < 18; i++) {
            if (ALPHABET.indexOf(code.charAt(i)) < 0) {
                return "character " + (i + 1) + " is outside the GB 32100 alphabet";
            }
        }
        if (REGISTRATION_AUTHORITIES.indexOf(code.charAt(0)) < 0) {
            return "unknown registration authority code";
        }
        if (!code.substring(2, 8).chars().allMatch(Character::isDigit)) {
            return "characters 3-8 must be a region code";
        }
        if (checkCharacter(code.substring(0, 17)) != code.charAt(17)) {
            return "check character does not match";
        }
        return null;
    }

    /** The check character for the first 17 characters of a code. */
    public static char checkCharacter(String first17) {
        int sum = 0;
        for (int i = 0; i < 17; i++) {
            sum += ALPHABET.indexOf(first17.charAt(i)) * WEIGHTS[i];
        }
        int check = 31 - sum % 31;
        return ALPHABET.charAt(check == 31 ? 0 : check);
    }
}
