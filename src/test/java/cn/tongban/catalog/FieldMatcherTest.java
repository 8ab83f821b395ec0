package cn.tongban.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FieldMatcherTest {

    private static final Resource RESIDENTS = new Resource(
            "GA-RK-0001",
            "人口基础信息",
            "11430000006761230E",
            "summary",
            ResourceCategory.POPULATION,
            "Avro",
            "{}",
            List.of(
                    field("idNumber", "公民身份号码", SharingType.UNCONDITIONAL),
                    field("householdAddress", "户籍地址", SharingType.CONDITIONAL),
                    field("fingerprint", "指纹信息", SharingType.UNCONDITIONAL),
                    field("religion", "宗教信仰", SharingType.NOT_SHARED)),
            Set.of(SharingMode.QUERY),
            "condition",
            UpdateCycle.REALTIME,
            false,
            LocalDate.of(2026, 1, 1),
            Instant.EPOCH,
            Instant.EPOCH);

    private static final NegativeListEntry FINGERPRINT = new NegativeListEntry(
            UUID.randomUUID(),
            "11430000006761230E",
            "GA-RK-0001",
            "fingerprint",
            "仅用于制证",
            "居民身份证法",
            Instant.EPOCH,
            "t");

    @Test
    void eachFieldGetsTheOutcomeItsSharingTypeAndTheNegativeListGive() {
        List<FieldMatcher.Outcome> outcomes = FieldMatcher.match(
                RESIDENTS, List.of(FINGERPRINT), List.of("idNumber", "householdAddress", "fingerprint", "religion"));

        assertThat(outcomes)
                .extracting(FieldMatcher.Outcome::field, FieldMatcher.Outcome::state)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("idNumber", Agreement.FieldState.GRANTED),
                        org.assertj.core.groups.Tuple.tuple("householdAddress", Agreement.FieldState.PENDING),
                        org.assertj.core.groups.Tuple.tuple("fingerprint", Agreement.FieldState.REFUSED),
                        org.assertj.core.groups.Tuple.tuple("religion", Agreement.FieldState.REFUSED));
        assertThat(outcomes.get(2).reason()).contains("负面清单").contains("仅用于制证");
        assertThat(outcomes.get(2).legalBasis()).isEqualTo("居民身份证法");
        assertThat(outcomes.get(3).reason()).contains("不予共享");
    }

    @Test
    void aWholeResourceOnTheNegativeListWithholdsEveryField() {
        NegativeListEntry whole = new NegativeListEntry(
                UUID.randomUUID(), "11430000006761230E", "GA-RK-0001", null, "整体不予共享", "依据", Instant.EPOCH, "t");
        assertThat(FieldMatcher.match(RESIDENTS, List.of(whole), List.of("idNumber", "householdAddress")))
                .allMatch(o -> o.state() == Agreement.FieldState.REFUSED);
    }

    @Test
    void freeTextNeedsMatchByFieldNameOrChineseTitle() {
        ResourceField id = RESIDENTS.fields().get(0);
        assertThat(FieldMatcher.answers(id, "idnumber")).isTrue();
        assertThat(FieldMatcher.answers(id, "公民身份号码")).isTrue();
        assertThat(FieldMatcher.answers(id, "身份证")).isFalse();
    }

    private static ResourceField field(String name, String title, SharingType type) {
        return new ResourceField(name, title, "string", type, Sensitivity.PERSONAL, MaskingRule.NONE);
    }
}
