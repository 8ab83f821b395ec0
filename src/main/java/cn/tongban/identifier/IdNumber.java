package cn.tongban.identifier;

import java.time.DateTimeException;
import java.time.LocalDate;

/**
 * 公民身份号码 (citizen ID number, GB 11643-1999): 6-digit region, 8-digit birth date, 3-digit
 * sequence, and an ISO 7064 mod 11-2 check character (0-9 or X).
 */
public final class IdNumber {

    private static final int[] WEIGHTS = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    private static final String CHECK = "10X98765432";

    private IdNumber() {}

    public static boolean isValid(String number) {
        return problem(number, LocalDate.now()) == null;
    }

    /** Why the number is invalid on the given day, or null when it is valid. */
    public static String problem(String number, LocalDate today) {
        if (number == null || number.length() != 18) {
            return "must be 18 characters";
        }
        for (int i = 0; i < 17; i++) {
            if (!Character.isDigit(number.charAt(i))) {
                return "the first 17 characters must be digits";
            }
        }
        if (!RegionCode.isValidProvince(number.substring(0, 2))) {
            return "unknown province in the region part";
        }
        LocalDate birth;
        try {
            birth = LocalDate.of(
                    Integer.parseInt(number.substring(6, 10)),
                    Integer.parseInt(number.substring(10, 12)),
                    Integer.parseInt(number.substring(12, 14)));
        } catch (DateTimeException e) {
            return "the birth date part is not a date";
        }
        if (birth.getYear() < 1900 || birth.isAfter(today)) {
            return "the birth date part is out of range";
        }
        if (checkCharacter(number.substring(0, 17)) != number.charAt(17)) {
            return "check character does not match";
        }
        return null;
    }

    public static char checkCharacter(String first17) {
        int sum = 0;
        for (int i = 0; i < 17; i++) {
            sum += (first17.charAt(i) - '0') * WEIGHTS[i];
        }
        return CHECK.charAt(sum % 11);
    }

    public static LocalDate birthDate(String validNumber) {
        return LocalDate.of(
                Integer.parseInt(validNumber.substring(6, 10)),
                Integer.parseInt(validNumber.substring(10, 12)),
                Integer.parseInt(validNumber.substring(12, 14)));
    }
}
