package cn.tongban.identifier;

import java.time.LocalDate;
import java.util.random.RandomGenerator;

/**
 * Makes valid-looking but invented identifiers for demo data, simulators and tests: they pass
 * every check of this module and belong to nobody.
 */
public final class SyntheticIdentifiers {

    private SyntheticIdentifiers() {}

    /** A USCC of a government body (registration authority 1, category 1) in the given region. */
    public static String uscc(RandomGenerator random, String regionCode) {
        StringBuilder code = new StringBuilder("11").append(regionCode);
        for (int i = 0; i < 9; i++) {
            code.append(Uscc.ALPHABET.charAt(random.nextInt(Uscc.ALPHABET.length())));
        }
        return code.append(Uscc.checkCharacter(code.toString())).toString();
    }

    public static String idNumber(RandomGenerator random, String regionCode, LocalDate birthDate) {
        String first17 = regionCode
                + String.format(
                        "%04d%02d%02d", birthDate.getYear(), birthDate.getMonthValue(), birthDate.getDayOfMonth())
                + String.format("%03d", random.nextInt(1000));
        return first17 + IdNumber.checkCharacter(first17);
    }
}
