package cn.tongban.ledger;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param sealEvery seal once this many events wait
 * @param sealPeriod or once this much time has passed since the last seal
 * @param maxSealSize the most events one seal covers
 * @param retentionMonths months of events kept in the database (at least 6, the legal minimum here)
 * @param archiveDir where months past the retention are written as signed evidence bundles
 */
@ConfigurationProperties("tongban.ledger")
public record LedgerProperties(
        int sealEvery, Duration sealPeriod, int maxSealSize, int retentionMonths, Path archiveDir) {

    public LedgerProperties {
        sealEvery = sealEvery <= 0 ? 10_000 : sealEvery;
        sealPeriod = sealPeriod == null ? Duration.ofSeconds(10) : sealPeriod;
        maxSealSize = maxSealSize <= 0 ? 100_000 : maxSealSize;
        retentionMonths = Math.max(6, retentionMonths <= 0 ? 12 : retentionMonths);
        archiveDir = archiveDir == null ? Path.of("data", "ledger-archive") : archiveDir;
    }
}
