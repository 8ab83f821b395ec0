package cn.tongban.catalog;

import cn.tongban.catalog.internal.AgreementRepository;
import cn.tongban.catalog.internal.DemandRepository;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springframework.stereotype.Service;

/**
 * 供需缺口报告: what participants ask for and nobody supplies — the list of data the province
 * should start collecting — and what is asked for but withheld.
 */
@Service
public class GapReport {

    private final DemandRepository demands;
    private final AgreementRepository agreements;
    private final DemandList demandList;
    private final Clock clock;

    GapReport(DemandRepository demands, AgreementRepository agreements, DemandList demandList, Clock clock) {
        this.demands = demands;
        this.agreements = agreements;
        this.demandList = demandList;
        this.clock = clock;
    }

    /** The report. */
    public record Report(
            Instant generatedAt,
            List<Demand> unmatchedDemands,
            List<MissingField> missingFields,
            List<WithheldField> withheldFields) {}

    /** A wanted 信息项 that no published resource supplies. */
    public record MissingField(String field, int demandCount, List<String> requesters, List<String> serviceItems) {}

    /** A field demanded but withheld (negative list, 不予共享, or refused by the provider). */
    public record WithheldField(String resourceCode, String field, int demandCount, List<String> reasons) {}

    public Report build() {
        List<Demand> unmatched = new ArrayList<>();
        Map<String, Acc> missing = new TreeMap<>();
        for (Demand demand : demands.list(null, null)) {
            if (demand.resourceCode() != null || demand.status() == Demand.Status.WITHDRAWN) {
                continue;
            }
            List<DemandList.Candidate> candidates = demandList.candidates(demand);
            if (candidates.isEmpty()) {
                unmatched.add(demand);
            }
            for (String wanted : demand.fields()) {
                boolean supplied =
                        candidates.stream().anyMatch(c -> c.missing().stream().noneMatch(wanted::equals));
                if (!supplied) {
                    Acc acc = missing.computeIfAbsent(wanted, k -> new Acc());
                    acc.count++;
                    acc.a.add(demand.requesterUscc());
                    acc.b.add(demand.serviceItemCode());
                }
            }
        }
        Map<String, Acc> withheld = new TreeMap<>();
        for (var agreement : agreements.list(new AgreementRepository.Filter(null, null, null, null))) {
            for (Agreement.Field field : agreement.fields()) {
                if (field.state() == Agreement.FieldState.REFUSED) {
                    Acc acc = withheld.computeIfAbsent(
                            agreement.resourceCode() + "\u0000" + field.name(), k -> new Acc());
                    acc.count++;
                    if (field.reason() != null) {
                        acc.a.add(field.reason());
                    }
                }
            }
        }
        return new Report(
                clock.instant(),
                unmatched,
                missing.entrySet().stream()
                        .map(e -> new MissingField(
                                e.getKey(),
                                e.getValue().count,
                                List.copyOf(e.getValue().a),
                                List.copyOf(e.getValue().b)))
                        .toList(),
                withheld.entrySet().stream()
                        .map(e -> {
                            String[] key = e.getKey().split("\u0000", 2);
                            return new WithheldField(key[0], key[1], e.getValue().count, List.copyOf(e.getValue().a));
                        })
                        .toList());
    }

    private static final class Acc {
        int count;
        final TreeSet<String> a = new TreeSet<>();
        final TreeSet<String> b = new TreeSet<>();
    }
}
