package cn.tongban.cases;

import static org.assertj.core.api.Assertions.assertThat;

import cn.tongban.federation.InboundMessage;
import cn.tongban.federation.MessageHandler;
import cn.tongban.federation.MessageType;
import cn.tongban.federation.OutboundMessage;
import cn.tongban.federation.PeerFault;
import cn.tongban.federation.PeerMessaging;
import cn.tongban.identifier.SyntheticIdentifiers;
import cn.tongban.signing.Sm3;
import cn.tongban.support.Api;
import cn.tongban.support.CatalogFixture;
import cn.tongban.support.CatalogFixture.Party;
import cn.tongban.support.HubTest;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Cases across two platforms, with Guangdong (440000) as the one registered peer. The platform's
 * real messaging is being built; until it is, a recording stand-in queues what this hub sends
 * and a test delivers Guangdong's answers to the handler as the platform will. Each scenario
 * plays one side: this hub receiving a case Guangdong owns, or owning a case Guangdong received.
 */
@HubTest
@Import(CaseFederationIT.Peers.class)
class CaseFederationIT {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String GUANGDONG = "440000";

    /** The platform as the cases module sees it: Guangdong is known, every message sent is kept. */
    @TestConfiguration
    static class Peers {
        @Bean
        @Primary
        RecordingPeers recordingPeers() {
            return new RecordingPeers();
        }
    }

    static final class RecordingPeers implements PeerMessaging {
        final List<Map.Entry<String, OutboundMessage>> sent = new CopyOnWriteArrayList<>();

        @Override
        public String ownProvince() {
            return "430000";
        }

        @Override
        public boolean knows(String province) {
            return GUANGDONG.equals(province);
        }

        @Override
        public String send(OutboundMessage message) {
            if (!knows(message.receiverProvince())) {
                throw new PeerFault(PeerFault.Fault.SENDER, "peer", "no peer");
            }
            String id = UUID.randomUUID().toString();
            sent.add(Map.entry(id, message));
            return id;
        }

        @Override
        public InboundMessage ask(OutboundMessage message, Duration timeout) {
            throw new PeerFault(PeerFault.Fault.SENDER, "peer", "not asked in these tests");
        }

        Map.Entry<String, OutboundMessage> last(String serial) {
            return sent.stream()
                    .filter(e -> serial.equals(e.getValue().conversationId()))
                    .reduce((a, b) -> b)
                    .orElseThrow();
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    RecordingPeers peers;

    @Autowired
    List<MessageHandler> handlers;

    MessageHandler handler;
    Party counter;
    Party owner;
    String item;
    String idNumber;

    @BeforeEach
    void province() {
        CatalogFixture fixture = new CatalogFixture(port);
        counter = fixture.participant("长沙市政务服务中心(联邦)", "DEPARTMENT");
        owner = fixture.participant("湖南省人社厅(联邦)", "DEPARTMENT");
        item = "CF-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        idNumber = SyntheticIdentifiers.idNumber(RANDOM, "430104", LocalDate.of(1990, 1, 2));
        handler = handlers.stream()
                .filter(h -> h.types().contains(MessageType.CASE))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void s01_aCaseOwnedInGuangdongIsForwardedAndItsDecisionsComeBack() {
        String guangdongOffice = SyntheticIdentifiers.uscc(RANDOM, "440100");
        Api.Reply registered = counter.admin().post("/api/cases", registration(guangdongOffice));
        assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
        assertThat(registered.body()).doesNotContain(idNumber, "司马相如");
        JsonNode created = registered.json();
        String serial = created.get("serial").asString();
        Map.Entry<String, OutboundMessage> forwarded = peers.last(serial);
        assertThat(forwarded.getValue().type()).isEqualTo(MessageType.CASE);
        assertThat(forwarded.getValue().receiverProvince()).isEqualTo(GUANGDONG);
        assertThat(forwarded.getValue().serviceItemCode()).isEqualTo(item);
        JsonNode payload = JSON.readTree(forwarded.getValue().payload());
        // Only the message to the owning platform carries the applicant in clear: its office handles the case.
        assertThat(payload.at("/registration/applicant/idNumber").asString()).isEqualTo(idNumber);
        assertThat(payload.at("/registration/applicant/name").asString()).isEqualTo("司马相如");
        assertThat(payload.at("/registration/materials/0/sm3").asString()).hasSize(64);
        assertThat(payload.get("timeline").findValuesAsString("status")).containsExactly("RECEIVED");
        assertThat(created.get("status").asString()).isEqualTo("FORWARDED");
        assertThat(created.at("/timeline/1/messageId").asString()).isEqualTo(forwarded.getKey());

        InboundMessage accepted = inbound(MessageType.CASE_STATUS, status(serial, "ACCEPTED", null));
        InboundMessage completed = inbound(MessageType.CASE_STATUS, status(serial, "COMPLETED", "RETURNED"));
        handler.handle(accepted);
        handler.handle(completed);
        handler.handle(accepted);
        JsonNode read = ok(counter.admin().get("/api/cases/" + serial));
        assertThat(read.get("timeline").findValuesAsString("status"))
                .containsExactly("RECEIVED", "FORWARDED", "ACCEPTED", "COMPLETED");
        assertThat(read.at("/timeline/2/messageId").asString()).isEqualTo(accepted.messageId());
        assertThat(read.at("/timeline/3/province").asString()).isEqualTo(GUANGDONG);
        assertThat(read.at("/timeline/3/by").asString()).isEqualTo("gd-owner");
        assertThat(read.get("resultCode").asString()).isEqualTo("1");
        assertThat(read.toString()).doesNotContain(idNumber, "司马相如");

        JsonNode events = ok(Api.at(port).as("auditor").get("/api/audit/events?serviceItem=" + item + "&size=50"));
        assertThat(events.get("items").findValuesAsString("type"))
                .containsExactlyInAnyOrder("CASE_RECEIVED", "CASE_FORWARDED", "CASE_STATUS", "CASE_STATUS");
        assertThat(events.toString()).doesNotContain(idNumber, "司马相如");
    }

    @Test
    void s02_aDecisionOnACaseGuangdongReceivedGoesBackToGuangdong() {
        String serial = CaseSerials.next(GUANGDONG, LocalDate.now());
        handler.handle(inbound(MessageType.CASE, forwarded(serial)));
        Api.Reply accepted = owner.admin().post("/api/cases/" + serial + "/status", Map.of("status", "ACCEPTED"));
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(200);

        Map.Entry<String, OutboundMessage> back = peers.last(serial);
        assertThat(back.getValue().type()).isEqualTo(MessageType.CASE_STATUS);
        assertThat(back.getValue().receiverProvince()).isEqualTo(GUANGDONG);
        JsonNode step = JSON.readTree(back.getValue().payload()).get("step");
        assertThat(step.get("status").asString()).isEqualTo("ACCEPTED");
        assertThat(step.get("province").asString()).isEqualTo("430000");
        JsonNode timeline = accepted.json().get("timeline");
        assertThat(timeline.findValuesAsString("status")).containsExactly("RECEIVED", "FORWARDED", "ACCEPTED");
        assertThat(timeline.get(2).get("messageId").asString()).isEqualTo(back.getKey());
        assertThat(timeline.get(2).get("at").asString())
                .isEqualTo(step.get("at").asString());
        assertThat(new String(back.getValue().payload(), StandardCharsets.UTF_8))
                .doesNotContain(idNumber);
    }

    private Map<String, Object> registration(String owningOffice) {
        return Map.of(
                "serviceItemCode",
                item,
                "serviceItemName",
                "养老保险关系转移接续",
                "mode",
                "PROXY",
                "applicant",
                Map.of("type", "PERSON", "idNumber", idNumber, "name", "司马相如"),
                "receivingOfficeUscc",
                counter.uscc(),
                "owningProvince",
                GUANGDONG,
                "owningOfficeUscc",
                owningOffice,
                "materials",
                List.of(Map.of(
                        "name",
                        "参保缴费凭证",
                        "mediaType",
                        "application/pdf",
                        "size",
                        1024,
                        "sm3",
                        HexFormat.of().formatHex(Sm3.digest("凭证".getBytes(StandardCharsets.UTF_8))))));
    }

    private byte[] status(String serial, String status, String result) {
        Map<String, Object> step = new java.util.HashMap<>(Map.of(
                "seq",
                0,
                "at",
                Instant.now().truncatedTo(ChronoUnit.MICROS).toString(),
                "status",
                status,
                "by",
                "gd-owner",
                "province",
                GUANGDONG));
        if (result != null) {
            step.put("result", result);
        }
        return JSON.writeValueAsBytes(Map.of("serial", serial, "step", step));
    }

    private byte[] forwarded(String serial) {
        Map<String, Object> registration = new java.util.HashMap<>(registration(owner.uscc()));
        registration.put("owningProvince", "430000");
        registration.put("receivingOfficeUscc", SyntheticIdentifiers.uscc(RANDOM, "440100"));
        Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return JSON.writeValueAsBytes(Map.of(
                "serial",
                serial,
                "receivingProvince",
                GUANGDONG,
                "registration",
                registration,
                "timeline",
                List.of(Map.of(
                        "seq",
                        1,
                        "at",
                        at.toString(),
                        "status",
                        "RECEIVED",
                        "by",
                        "gd-counter",
                        "province",
                        GUANGDONG)),
                "forwardedAt",
                at.plusSeconds(1).toString(),
                "forwardedBy",
                "gd-counter"));
    }

    private InboundMessage inbound(MessageType type, byte[] payload) {
        return new InboundMessage(
                UUID.randomUUID().toString(),
                null,
                GUANGDONG,
                "430000",
                Instant.now(),
                type,
                null,
                null,
                item,
                CaseRegistry.PURPOSE,
                "application/json",
                payload,
                HexFormat.of().formatHex(Sm3.digest(payload)));
    }

    private static JsonNode ok(Api.Reply reply) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        return reply.json();
    }
}
