package cn.tongban.limits;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * What one caller may send: bounds that keep hostile or mistaken input from exhausting the hub.
 *
 * @param maxRequestBody the largest request body the API reads (Content-Length or streamed); larger: 413
 * @param maxRecordBytes the largest record, as JSON text, any channel accepts; larger: quarantined with
 *     a summary, never whole
 * @param maxFieldLength the longest text value (in characters) a record field may hold when its resource
 *     does not say; longer: quarantined
 * @param rate requests per participant (per account for platform staff) after authentication
 */
@ConfigurationProperties("tongban.limits")
public record LimitsProperties(DataSize maxRequestBody, DataSize maxRecordBytes, int maxFieldLength, Rate rate) {

    public LimitsProperties {
        maxRequestBody = maxRequestBody == null ? DataSize.ofMegabytes(16) : maxRequestBody;
        maxRecordBytes = maxRecordBytes == null ? DataSize.ofMegabytes(1) : maxRecordBytes;
        maxFieldLength = maxFieldLength <= 0 ? 64 * 1024 : maxFieldLength;
        rate = rate == null ? new Rate(null, 0, null) : rate;
    }

    /** Defaults, for code outside Spring (unit tests). */
    public static LimitsProperties defaults() {
        return new LimitsProperties(null, null, 0, null);
    }

    /**
     * @param enabled false switches the rate limits off
     * @param limitForPeriod requests one participant may make per period
     * @param refreshPeriod the period after which its allowance is full again
     */
    public record Rate(Boolean enabled, int limitForPeriod, Duration refreshPeriod) {

        public Rate {
            enabled = enabled == null || enabled;
            // Generous: benchmarks and tests never meet it; a runaway client does.
            limitForPeriod = limitForPeriod <= 0 ? 1000 : limitForPeriod;
            refreshPeriod = refreshPeriod == null || refreshPeriod.isZero() ? Duration.ofSeconds(1) : refreshPeriod;
        }
    }
}
