package cn.tongban.identifier;

import java.util.Map;
import java.util.Set;

/**
 * 行政区划代码 (administrative division code, GB/T 2260): six digits, province–prefecture–county.
 * The full national table is not bundled: every code must name a real province, and inside Hunan
 * (43) a real prefecture; other provinces' prefectures are checked for shape only.
 */
public final class RegionCode {

    private static final Set<String> PROVINCES = Set.of(
            "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43",
            "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82");

    /** Hunan's prefecture-level divisions (市州), by their 4-digit prefix. */
    public static final Map<String, String> HUNAN_PREFECTURES = Map.ofEntries(
            Map.entry("4301", "长沙市"),
            Map.entry("4302", "株洲市"),
            Map.entry("4303", "湘潭市"),
            Map.entry("4304", "衡阳市"),
            Map.entry("4305", "邵阳市"),
            Map.entry("4306", "岳阳市"),
            Map.entry("4307", "常德市"),
            Map.entry("4308", "张家界市"),
            Map.entry("4309", "益阳市"),
            Map.entry("4310", "郴州市"),
            Map.entry("4311", "永州市"),
            Map.entry("4312", "怀化市"),
            Map.entry("4313", "娄底市"),
            Map.entry("4331", "湘西土家族苗族自治州"));

    private RegionCode() {}

    public static boolean isValidProvince(String twoDigits) {
        return PROVINCES.contains(twoDigits);
    }

    public static boolean isValid(String code) {
        return problem(code) == null;
    }

    /** Why the code is invalid, or null when it is valid. */
    public static String problem(String code) {
        if (code == null || code.length() != 6 || !code.chars().allMatch(Character::isDigit)) {
            return "must be 6 digits";
        }
        if (!isValidProvince(code.substring(0, 2))) {
            return "unknown province " + code.substring(0, 2);
        }
        String prefecture = code.substring(2, 4);
        String county = code.substring(4, 6);
        if (prefecture.equals("00") && !county.equals("00")) {
            return "a county needs a prefecture";
        }
        if (code.startsWith("43") && !prefecture.equals("00") && !HUNAN_PREFECTURES.containsKey(code.substring(0, 4))) {
            return "unknown Hunan prefecture " + code.substring(0, 4);
        }
        return null;
    }
}
