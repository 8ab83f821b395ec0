package cn.tongban.cases;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CaseStatusTest {

    /** The allowed steps, written out independently of CaseStatus.next(). */
    private static final Set<String> ALLOWED = Set.of(
            "RECEIVED>FORWARDED",
            "RECEIVED>ACCEPTED",
            "RECEIVED>REJECTED",
            "FORWARDED>ACCEPTED",
            "FORWARDED>REJECTED",
            "ACCEPTED>COMPLETED");

    @Test
    void everyPairOfStatusesIsAllowedExactlyAsTheProcessSays() {
        for (CaseStatus from : CaseStatus.values()) {
            for (CaseStatus to : CaseStatus.values()) {
                assertThat(from.mayMoveTo(to)).as(from + ">" + to).isEqualTo(ALLOWED.contains(from + ">" + to));
            }
        }
    }

    @Test
    void onlyTheOwningOfficesDecisionsAreRecordedThroughTheStatusCall() {
        assertThat(EnumSet.allOf(CaseStatus.class))
                .filteredOn(CaseStatus::isOwningOfficeDecision)
                .containsExactly(CaseStatus.ACCEPTED, CaseStatus.REJECTED, CaseStatus.COMPLETED);
    }
}
