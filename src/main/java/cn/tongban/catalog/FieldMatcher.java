package cn.tongban.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * 供需匹配: decides, field by field, what a demand for a resource gets — withheld by the negative
 * list or by 不予共享, granted at once when 无条件共享, awaiting the provider when 有条件共享.
 */
final class FieldMatcher {

    private FieldMatcher() {}

    /** The outcome for one requested field. */
    record Outcome(
            String field,
            SharingType sharingType,
            Agreement.FieldState state,
            MaskingRule masking,
            String reason,
            String legalBasis) {}

    static List<Outcome> match(Resource resource, List<NegativeListEntry> negativeList, List<String> requested) {
        List<Outcome> outcomes = new ArrayList<>();
        for (String name : requested) {
            ResourceField field = resource.field(name).orElseThrow();
            NegativeListEntry listed = negativeList.stream()
                    .filter(e -> e.resourceCode().equals(resource.code()) && e.covers(name))
                    .findFirst()
                    .orElse(null);
            if (listed != null) {
                outcomes.add(new Outcome(
                        name,
                        field.sharingType(),
                        Agreement.FieldState.REFUSED,
                        field.masking(),
                        "负面清单: " + listed.reason(),
                        listed.legalBasis()));
            } else if (field.sharingType() == SharingType.NOT_SHARED) {
                outcomes.add(new Outcome(
                        name, field.sharingType(), Agreement.FieldState.REFUSED, field.masking(), "供给清单: 不予共享", null));
            } else if (field.sharingType() == SharingType.UNCONDITIONAL) {
                outcomes.add(new Outcome(
                        name, field.sharingType(), Agreement.FieldState.GRANTED, field.masking(), null, null));
            } else {
                outcomes.add(new Outcome(
                        name, field.sharingType(), Agreement.FieldState.PENDING, field.masking(), null, null));
            }
        }
        return outcomes;
    }

    /**
     * Whether a resource field answers a free-text demand's wanted 信息项, named either by the
     * schema field name (any case) or by its catalog title (e.g. 身份证号).
     */
    static boolean answers(ResourceField field, String wanted) {
        String w = wanted.strip();
        return field.name().toLowerCase(Locale.ROOT).equals(w.toLowerCase(Locale.ROOT))
                || field.title().equals(w);
    }
}
