package cn.tongban.exchange;

import cn.tongban.catalog.MaskingRule;

/**
 * 脱敏: the masking conventions of government platforms — mobile 3 + 4 ({@code 138****5678}), ID
 * number 6 + 4 ({@code 430102********1234}), a name keeps its surname ({@code 张*}, {@code 张*丰}),
 * an address is kept down to the district. Only text is masked; REDACT withholds the value.
 */
public final class Masking {

    private Masking() {}

    public static Object apply(MaskingRule rule, Object value) {
        if (value == null || rule == MaskingRule.NONE) {
            return value;
        }
        if (rule == MaskingRule.REDACT) {
            return null;
        }
        if (!(value instanceof CharSequence text)) {
            return value;
        }
        String s = text.toString();
        return switch (rule) {
            case MOBILE -> keep(s, 3, 4);
            case ID_NUMBER -> keep(s, 6, 4);
            case NAME -> name(s);
            case ADDRESS -> address(s);
            default -> s;
        };
    }

    static String keep(String s, int head, int tail) {
        int[] cps = s.codePoints().toArray();
        if (cps.length <= head + tail) {
            return "*".repeat(cps.length);
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < cps.length; i++) {
            out.appendCodePoint(i < head || i >= cps.length - tail ? cps[i] : '*');
        }
        return out.toString();
    }

    static String name(String s) {
        int[] cps = s.codePoints().toArray();
        if (cps.length <= 1) {
            return "*";
        }
        if (cps.length == 2) {
            return new String(cps, 0, 1) + "*";
        }
        return new String(cps, 0, 1) + "*".repeat(cps.length - 2) + new String(cps, cps.length - 1, 1);
    }

    /** Keeps the address up to its county-level division (区, 县, 旗), else up to its city (市). */
    static String address(String s) {
        int cut = -1;
        for (String marker : new String[] {"区", "县", "旗"}) {
            int at = s.indexOf(marker);
            if (at >= 0 && (cut < 0 || at < cut)) {
                cut = at;
            }
        }
        if (cut < 0) {
            cut = s.lastIndexOf('市');
        }
        if (cut < 0) {
            return "****";
        }
        return s.substring(0, cut + 1) + (cut + 1 < s.length() ? "****" : "");
    }
}
