package cn.tongban.exchange;

import cn.tongban.identifier.CodeKind;
import cn.tongban.schema.NullableSchemas;
import cn.tongban.web.ApiException.FieldProblem;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * 数据质量规则: checks a record's values beyond its schema — ID numbers, USCCs and region codes by
 * their check characters, mobile numbers, dates in range, required text not blank. Which rule
 * applies follows the field's name ({@code idNumber}, {@code partyAIdNumber}, {@code uscc},
 * {@code insuredRegion}, {@code mobile}, {@code birthDate} …), the naming the catalog's schemas keep.
 */
public final class QualityRules {

    private static final Pattern MOBILE = Pattern.compile("^1[3-9][0-9]{9}$");
    private static final LocalDate EARLIEST = LocalDate.of(1900, 1, 1);

    private QualityRules() {}

    /** The rule a field name calls for, or null. */
    static CodeKind codeKind(String field) {
        String name = field.toLowerCase(Locale.ROOT);
        if (name.equals("idnumber") || name.endsWith("idnumber")) {
            return CodeKind.ID_NUMBER;
        }
        if (name.equals("uscc") || name.endsWith("uscc")) {
            return CodeKind.USCC;
        }
        if (name.equals("region") || name.equals("regioncode") || name.endsWith("region")) {
            return CodeKind.REGION;
        }
        return null;
    }

    /** Fields whose value identifies the person a record is about, in preference order. */
    public static String personKeyField(Schema schema) {
        for (Schema.Field field : schema.getFields()) {
            if (codeKind(field.name()) == CodeKind.ID_NUMBER) {
                return field.name();
            }
        }
        return null;
    }

    public static List<FieldProblem> check(GenericRecord record, LocalDate today) {
        List<FieldProblem> problems = new ArrayList<>();
        for (Schema.Field field : record.getSchema().getFields()) {
            Object value = record.get(field.name());
            if (value == null) {
                continue;
            }
            Schema type = NullableSchemas.valueType(field.schema());
            CodeKind kind = codeKind(field.name());
            if (value instanceof CharSequence text) {
                String s = text.toString();
                if (kind != null) {
                    String problem = kind == CodeKind.ID_NUMBER
                            ? cn.tongban.identifier.IdNumber.problem(s, today)
                            : kind.problem(s);
                    if (problem != null) {
                        problems.add(new FieldProblem(field.name(), kind.rule(), problem));
                    }
                } else if (field.name().toLowerCase(Locale.ROOT).endsWith("mobile")
                        && !MOBILE.matcher(s).matches()) {
                    problems.add(new FieldProblem(field.name(), "mobile", "must be an 11-digit mobile number"));
                } else if (s.isBlank() && field.schema().getType() == Schema.Type.STRING) {
                    problems.add(new FieldProblem(field.name(), "not-blank", "must not be blank"));
                }
            } else if (type.getLogicalType() instanceof LogicalTypes.Date && value instanceof Integer days) {
                LocalDate date = LocalDate.ofEpochDay(days);
                boolean past = field.name().toLowerCase(Locale.ROOT).contains("birth");
                if (date.isBefore(EARLIEST) || (past && date.isAfter(today)) || date.isAfter(today.plusYears(100))) {
                    problems.add(new FieldProblem(field.name(), "date-range", "is out of range"));
                }
            }
        }
        return problems;
    }
}
