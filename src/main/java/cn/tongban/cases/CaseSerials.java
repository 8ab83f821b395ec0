package cn.tongban.cases;

import java.security.SecureRandom;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * 申办流水号: the receiving province's code, the receiving date and ten random base-32 characters
 * ({@code 430000-20261201-7F3K9Q2MXA}). The province prefix keeps serials unique across provinces
 * without asking anyone; 50 random bits keep them unique within a province and unguessable.
 */
final class CaseSerials {

    static final Pattern FORM = Pattern.compile("^[1-8][0-9]{5}-[0-9]{8}-[0-9A-HJKMNP-TV-Z]{10}$");
    private static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;
    private static final SecureRandom RANDOM = new SecureRandom();

    private CaseSerials() {}

    static String next(String province, LocalDate day) {
        StringBuilder serial =
                new StringBuilder(province).append('-').append(DAY.format(day)).append('-');
        for (int i = 0; i < 10; i++) {
            serial.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return serial.toString();
    }

    static boolean isWellFormed(String serial) {
        return serial != null && FORM.matcher(serial).matches();
    }

    /** The province that generated the serial: the receiving province. */
    static String province(String serial) {
        return serial.substring(0, 6);
    }
}
