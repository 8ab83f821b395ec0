package cn.tongban.cases;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CaseSerialsTest {

    @Test
    void aSerialNamesTheReceivingProvinceAndDayAndIsFreshEachTime() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String serial = CaseSerials.next("430000", LocalDate.of(2026, 12, 1));
            assertThat(serial).startsWith("430000-20261201-").hasSize(26);
            assertThat(CaseSerials.isWellFormed(serial)).as(serial).isTrue();
            assertThat(CaseSerials.province(serial)).isEqualTo("430000");
            assertThat(seen.add(serial)).as(serial).isTrue();
        }
    }

    @Test
    void anythingElseIsNotASerial() {
        assertThat(CaseSerials.isWellFormed(null)).isFalse();
        assertThat(CaseSerials.isWellFormed("430000-20261201-7F3K9Q2MX")).isFalse();
        assertThat(CaseSerials.isWellFormed("430000-20261201-7F3K9Q2MXI"))
                .as("I is not base 32")
                .isFalse();
        assertThat(CaseSerials.isWellFormed("430000-20261201-7f3k9q2mxa")).isFalse();
        assertThat(CaseSerials.isWellFormed("../../etc/passwd")).isFalse();
        assertThat(CaseSerials.isWellFormed("430000-20261201-7F3K9Q2MXA")).isTrue();
    }
}
