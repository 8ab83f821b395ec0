package cn.tongban.ops;

import static org.assertj.core.api.Assertions.assertThat;

import cn.tongban.signing.HubKeyRotation;
import cn.tongban.signing.HubKeys;
import cn.tongban.support.Api;
import cn.tongban.support.HubTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The hub certificate's expiry: a gauge for operators, and one ledger event per certificate 30 days ahead. */
@HubTest
class CertificateExpiryIT {

    @LocalServerPort
    int port;

    @Autowired
    CertificateExpiry expiry;

    @Autowired
    HubKeys keys;

    @Autowired
    HubKeyRotation rotation;

    @Test
    void s01_theWarningIsRecordedOnceWhenTheCertificateEntersItsLast30Days() {
        // A certificate of its own, so that no earlier run on a shared database noticed it already.
        String keyId = rotation.rotate("system:test", "expiry test").keyId();
        Instant notAfter = keys.current().certificate().getNotAfter().toInstant();

        assertThat(expiry.checkAt(notAfter.minus(Duration.ofDays(31)))).isFalse();
        assertThat(expiry.checkAt(notAfter.minus(Duration.ofDays(29)))).isTrue();
        assertThat(expiry.checkAt(notAfter.minus(Duration.ofDays(28))))
                .as("once per certificate")
                .isFalse();
        assertThat(expiry.check()).as("today is years before expiry").isFalse();

        List<String> details = new ArrayList<>();
        Api.at(port)
                .as("auditor")
                .get("/api/audit/events?type=HUB_CERTIFICATE_EXPIRING&size=500")
                .json()
                .get("items")
                .forEach(e -> details.add(e.get("details").asString()));
        assertThat(details.stream().filter(d -> d.contains(keyId))).hasSize(1);
        assertThat(details.stream().filter(d -> d.contains(keyId)).findFirst().orElseThrow())
                .contains("\"daysLeft\":29", notAfter.toString());
    }

    @Test
    void s02_operatorsSeeTheSecondsLeftAsAGauge() {
        String metrics = Api.at(port).as("ops").get("/actuator/prometheus").body();
        long left = Duration.between(
                        Instant.now(),
                        keys.current().certificate().getNotAfter().toInstant())
                .toSeconds();
        String line = metrics.lines()
                .filter(l -> l.startsWith("tongban_hub_certificate_expiry_seconds"))
                .findFirst()
                .orElseThrow();
        double reported = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        assertThat(reported).isBetween(left - 600.0, left + 600.0);
    }
}
