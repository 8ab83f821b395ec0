package cn.tongban.demo;

import cn.tongban.identifier.RegionCode;
import cn.tongban.identifier.SyntheticIdentifiers;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * Invents realistic records for a resource's schema, field by field from its name: valid ID
 * numbers and USCCs, the demo province's region codes, schools and streets ({@link Places}),
 * Chinese names, plausible dates. Nobody real is in them.
 */
final class SyntheticRecords {

    private static final String[] SURNAMES = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "欧阳", "谭", "彭", "曾"};
    private static final String[] GIVEN = {
        "伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "建国", "湘"
    };
    private static final String[] MAJORS = {"计算机科学与技术", "法学", "临床医学", "会计学", "土木工程", "汉语言文学"};

    /**
     * A demo province's places (its file's {@code places}): county codes people are born and
     * registered in, the prefecture used when a county code is not valid, an address prefix down to
     * the district and its streets, schools, and the office that issues documents.
     */
    record Places(
            List<String> counties,
            String prefecture,
            String addressPrefix,
            List<String> streets,
            List<String> schools,
            String office) {}

    private SyntheticRecords() {}

    static Map<String, Object> record(Schema schema, RandomGenerator random, LocalDate today, Places places) {
        Map<String, Object> out = new LinkedHashMap<>();
        LocalDate birth = today.minusDays(365L * 20 + random.nextInt(365 * 45));
        for (Schema.Field field : schema.getFields()) {
            Object value = value(field.name(), field.schema(), random, today, birth, places);
            if (value != null) {
                out.put(field.name(), value);
            }
        }
        return out;
    }

    private static Object value(
            String name, Schema schema, RandomGenerator random, LocalDate today, LocalDate birth, Places places) {
        if (schema.getType() == Schema.Type.UNION) {
            Schema nonNull = schema.getTypes().stream()
                    .filter(t -> t.getType() != Schema.Type.NULL)
                    .findFirst()
                    .orElseThrow();
            if (name.toLowerCase(Locale.ROOT).contains("fingerprint")
                    || name.equals("diagnosis")
                    || random.nextInt(4) == 0) {
                return null;
            }
            return value(name, nonNull, random, today, birth, places);
        }
        String n = name.toLowerCase(Locale.ROOT);
        String region = pick(places.counties(), random);
        switch (schema.getType()) {
            case ENUM:
                return schema.getEnumSymbols()
                        .get(random.nextInt(schema.getEnumSymbols().size()));
            case INT:
                if (schema.getLogicalType() instanceof LogicalTypes.Date) {
                    LocalDate date = n.contains("birth")
                            ? birth
                            : n.contains("end") || n.contains("until")
                                    ? today.plusDays(30 + random.nextInt(700))
                                    : today.minusDays(random.nextInt(3000));
                    return date.toString();
                }
                return 12 + random.nextInt(360);
            case LONG:
                return 1000L + random.nextInt(1_000_000);
            case BOOLEAN:
                return random.nextBoolean();
            case STRING:
                break;
            default:
                return null;
        }
        if (n.endsWith("idnumber")) {
            return SyntheticIdentifiers.idNumber(random, region, birth);
        }
        if (n.equals("uscc")) {
            return SyntheticIdentifiers.uscc(random, region);
        }
        if (n.endsWith("region") || n.equals("regioncode")) {
            return RegionCode.isValid(region) ? region : places.prefecture();
        }
        if (n.endsWith("name") && !n.equals("entityname")) {
            return SURNAMES[random.nextInt(SURNAMES.length)] + GIVEN[random.nextInt(GIVEN.length)];
        }
        if (n.contains("mobile")) {
            return "13" + (100000000 + random.nextInt(899999999));
        }
        if (n.contains("address")) {
            return places.addressPrefix() + pick(places.streets(), random) + (1 + random.nextInt(300)) + "号";
        }
        if (n.equals("school")) {
            return pick(places.schools(), random);
        }
        if (n.equals("major")) {
            return MAJORS[random.nextInt(MAJORS.length)];
        }
        if (n.contains("office")) {
            return places.office();
        }
        if (n.equals("ethnicity")) {
            return "汉族";
        }
        return name.substring(0, Math.min(2, name.length())).toUpperCase(Locale.ROOT)
                + (100000 + random.nextInt(900000));
    }

    private static String pick(List<String> choices, RandomGenerator random) {
        return choices.get(random.nextInt(choices.size()));
    }
}
