package cn.tongban.ledger;

import cn.tongban.ledger.internal.LedgerStore;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * 按月分区: keeps a partition ready for last month, this month and the next two, so events land in
 * their month (retention and archiving work a month at a time); the default partition only
 * catches what falls outside.
 */
@Component("ledgerPartitions")
public class LedgerPartitions implements org.springframework.beans.factory.InitializingBean {

    private static final Logger log = LoggerFactory.getLogger(LedgerPartitions.class);

    private final LedgerStore store;
    private final Clock clock;

    LedgerPartitions(LedgerStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** At start-up, before the first event of the month can reach the default partition. */
    @Override
    public void afterPropertiesSet() {
        ensure();
    }

    public void ensure() {
        LocalDate month = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).withDayOfMonth(1);
        for (int offset = -1; offset <= 2; offset++) {
            LocalDate target = month.plusMonths(offset);
            try {
                if (store.ensurePartition(target)) {
                    log.info(
                            "ledger partition for {} created", target.toString().substring(0, 7));
                }
            } catch (RuntimeException e) {
                // Rows of that month already sit in the default partition: leave them there.
                log.warn(
                        "ledger partition for {} not created: {}",
                        target.toString().substring(0, 7),
                        e.getClass().getSimpleName());
            }
        }
    }
}
