package cn.tongban.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cn.tongban.identifier.IdNumber;
import cn.tongban.identifier.SyntheticIdentifiers;
import cn.tongban.support.Api;
import cn.tongban.support.HubTest;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * No personal data in the application's logs: the demo province runs (its simulated suppliers push,
 * now and then a record with a bad check digit; the notary's webhook receives), this test adds
 * records of its own — delivered, quarantined, with a mobile number and names — a query by ID number
 * and a login attempt with an ID number for a user name; then every line the hub logged is scanned
 * for the values used and for anything shaped like an ID number or a mobile number.
 */
@HubTest
@TestPropertySource(properties = {"tongban.demo.simulate=true", "tongban.demo.traffic-period-ms=300"})
@ExtendWith(OutputCaptureExtension.class)
class PersonalDataInLogsIT {

    /** 18 characters, a region, a birth date from 1900: what GB 11643 numbers look like. */
    private static final Pattern ID_SHAPE = Pattern.compile(
            "(?<![0-9A-Za-z])[1-9][0-9]{5}(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])[0-9]{5}[0-9Xx](?![0-9A-Za-z])");

    private static final Pattern MOBILE_SHAPE = Pattern.compile("(?<![0-9A-Za-z+])1[3-9][0-9]{9}(?![0-9A-Za-z])");

    @LocalServerPort
    int port;

    @Test
    void nothingTheHubLogsNamesAPerson(CapturedOutput output) {
        Set<String> used = new LinkedHashSet<>();
        try (ExchangeProvince province = new ExchangeProvince(port)) {
            List<Map<String, Object>> records = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String id = SyntheticIdentifiers.idNumber(province.random, "430102", LocalDate.of(1990 + i, 3, 4));
                used.add(id);
                records.add(ExchangeProvince.record("LOG-" + i, "欧阳" + "明月清风".charAt(i % 4), id));
            }
            records.add(ExchangeProvince.bad("LOG-BAD"));
            used.add("430102199505200000");
            used.add("13812345678");
            used.add("郑十一");
            used.add("欧阳明");
            Api.Reply pushed =
                    province.supplierSystem.post("/api/exchange/intake/" + province.code, Map.of("records", records));
            assertThat(pushed.status()).as(pushed.toString()).isEqualTo(202);

            String person = used.iterator().next();
            Api.Reply login = Api.at(port).as(person, "not-the-password").get("/api/security/me");
            assertThat(login.status()).isEqualTo(401);
            Api.Reply search = Api.at(port).as("auditor").get("/api/audit/events?idNumber=" + person);
            assertThat(search.status()).as(search.toString()).isLessThan(500);

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> province.webhook.envelopes().size() >= 5);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Api.at(port)
                                    .as("admin")
                                    .get("/demo/status")
                                    .json()
                                    .path("verifiedEnvelopes")
                                    .size()
                            > 0);
        }

        List<String> lines = output.getAll().lines().toList();
        assertThat(lines).as("the hub logged while it worked").hasSizeGreaterThan(20);
        assertThat(lines).as("the hub's own loggers are captured").anyMatch(line -> line.contains("cn.tongban."));
        for (String value : used) {
            assertThat(lines).as("a line naming " + value).noneMatch(line -> line.contains(value));
        }
        assertThat(shaped(lines, ID_SHAPE, true)).as("ID numbers in the log").isEmpty();
        assertThat(shaped(lines, MOBILE_SHAPE, false))
                .as("mobile numbers in the log")
                .isEmpty();
    }

    private static List<String> shaped(List<String> lines, Pattern shape, boolean checkDigit) {
        List<String> found = new ArrayList<>();
        for (String line : lines) {
            Matcher m = shape.matcher(line);
            while (m.find()) {
                if (!checkDigit || IdNumber.isValid(m.group().toUpperCase())) {
                    found.add(line);
                }
            }
        }
        return found;
    }
}
