package cn.tongban.ops;

import cn.tongban.signing.HubKeyEvents;
import cn.tongban.signing.HubKeys;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * 证书到期提醒: the seconds left on the hub's signing certificate as a gauge
 * ({@code tongban_hub_certificate_expiry_seconds}), and a ledger event once per certificate when
 * it enters the last {@link HubHealth#CERTIFICATE_WARNING}: the notice table keeps a restart or a
 * second hub from recording it again. The health check says WARN over the same window.
 */
@Component("certificateExpiry")
public class CertificateExpiry {

    static final String EXPIRY_WARNING = "EXPIRY_WARNING";

    private final HubKeys keys;
    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    CertificateExpiry(
            HubKeys keys, JdbcClient jdbc, ApplicationEventPublisher events, Clock clock, MeterRegistry registry) {
        this.keys = keys;
        this.jdbc = jdbc;
        this.events = events;
        this.clock = clock;
        TimeGauge.builder(
                        "tongban.hub.certificate.expiry",
                        this,
                        TimeUnit.SECONDS,
                        c -> c.left(c.clock.instant()).toSeconds())
                .description("time left until the hub's current signing certificate expires")
                .register(registry);
    }

    /** Records the warning when it is due and not recorded yet; true when it recorded it now. */
    @Transactional
    public boolean check() {
        return checkAt(clock.instant());
    }

    /** {@link #check} as of {@code now}. */
    @Transactional
    public boolean checkAt(Instant now) {
        HubKeys.Signer current = keys.current();
        Duration left = left(now);
        if (left.compareTo(HubHealth.CERTIFICATE_WARNING) >= 0) {
            return false;
        }
        int recorded = jdbc.sql("""
                        insert into hub_certificate_notice (key_id, kind, noticed_at) values (?, ?, ?)
                        on conflict do nothing""")
                .params(current.keyId(), EXPIRY_WARNING, Timestamp.from(now))
                .update();
        if (recorded == 0) {
            return false;
        }
        events.publishEvent(new HubKeyEvents.HubCertificateExpiring(
                now, current.keyId(), current.certificate().getNotAfter().toInstant(), left.toDays()));
        return true;
    }

    private Duration left(Instant now) {
        return Duration.between(now, keys.current().certificate().getNotAfter().toInstant());
    }
}
