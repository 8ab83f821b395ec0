package cn.tongban.federation;

import static org.assertj.core.api.Assertions.assertThat;

import cn.tongban.federation.FederationWire.WireError;
import cn.tongban.federation.FederationWire.WireMessage;
import cn.tongban.federation.FederationWire.WireReceipt;
import cn.tongban.signing.CanonicalBytes;
import cn.tongban.signing.HubKeys;
import cn.tongban.signing.Sm3;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.RecordComponent;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.util.BigIntegers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.DefaultValue;
import tools.jackson.databind.json.JsonMapper;

/**
 * docs/federation-protocol.md is what other provinces' platforms build to: its worked example is
 * read from the file and checked against {@link FederationWire} — the anchors' fingerprints, the
 * message and content digests (the content digest also rebuilt from the documented field table),
 * the signatures verified with the documented certificates (SM2 is randomised, so they are
 * verified, not reproduced), the receipt's and the error's binding to the message — its settings
 * against {@link FederationProperties}' defaults, and the rules it states against the code that
 * applies them: which refusals a sender retries, which types name a resource and which allow-list
 * each crosses, the nonce's form, how long a peer platform's deliveries wait.
 */
class FederationProtocolDocTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final Pattern BLOCK =
            Pattern.compile("```(hex|text|json|pem|http) (\\S+)\\n(.*?)```", Pattern.DOTALL);
    /** As the hub's own mapper writes (spring.jackson.default-property-inclusion: non_null). */
    private static final JsonMapper JSON = JsonMapper.builder()
            .changeDefaultPropertyInclusion(i -> i.withValueInclusion(JsonInclude.Include.NON_NULL))
            .build();

    static String doc;
    static Map<String, String> blocks = new HashMap<>();

    @BeforeAll
    static void read() throws Exception {
        doc = Files.readString(Path.of("docs", "federation-protocol.md"));
        Matcher m = BLOCK.matcher(doc);
        while (m.find()) {
            String content = m.group(3);
            assertThat(content).as(m.group(2) + " ends with its line").endsWith("\n");
            assertThat(blocks.put(m.group(2), content.substring(0, content.length() - 1)))
                    .as("one block named " + m.group(2))
                    .isNull();
        }
    }

    @Test
    void theAnchorsHoldTheDocumentedKeys_andTheirFingerprintsAreSm3OfTheirDer() throws Exception {
        X9ECParameters curve = CustomNamedCurves.getByName("sm2p256v1");
        for (String side : List.of("sender", "receiver")) {
            X509Certificate certificate = certificate(side);
            byte[] point = SubjectPublicKeyInfo.getInstance(
                            certificate.getPublicKey().getEncoded())
                    .getPublicKeyData()
                    .getBytes();
            BigInteger d = new BigInteger(fields("example." + side + ".key").get("private"), 16);
            assertThat(HEX.formatHex(point))
                    .as(side + "'s certificate holds the documented key")
                    .isEqualTo(
                            HEX.formatHex(curve.getG().multiply(d).normalize().getEncoded(false)));
            assertSame(Sm3.digest(certificate.getEncoded()), "example." + side + ".fingerprint");
            assertThat(HubKeys.keyIdOf(certificate)).isEqualTo(hex("example." + side + ".fingerprint"));
        }

        byte[] id = fields("example.sender.key").get("signerId").getBytes(StandardCharsets.US_ASCII);
        byte[] point = SubjectPublicKeyInfo.getInstance(
                        certificate("sender").getPublicKey().getEncoded())
                .getPublicKeyData()
                .getBytes();
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        z.write(id.length * 8 >> 8);
        z.write(id.length * 8);
        z.writeBytes(id);
        z.writeBytes(BigIntegers.asUnsignedByteArray(32, curve.getCurve().getA().toBigInteger()));
        z.writeBytes(BigIntegers.asUnsignedByteArray(32, curve.getCurve().getB().toBigInteger()));
        z.write(curve.getG().getEncoded(false), 1, 64);
        z.write(point, 1, 64);
        assertSame(Sm3.digest(z.toByteArray()), "example.sender.za");
    }

    @Test
    void theMessageAndContentDigests_asFederationWireComputesThemAndAsTheFieldTableDescribesThem() {
        byte[] body = body("example.message");
        assertThat(FederationWire.digest(body)).isEqualTo(hex("example.message.sm3"));

        WireMessage m = JSON.readValue(body, WireMessage.class);
        assertThat(m.protocol()).isEqualTo(FederationWire.PROTOCOL);
        assertThat(m.type()).isEqualTo(MessageType.TEST);
        assertThat(m.payloadBytes()).isEqualTo(body("example.payload"));
        assertSame(Sm3.digest(m.payloadBytes()), "example.payload.sm3");
        assertThat(JSON.writeValueAsBytes(m))
                .as("the example body is what the hub writes for these values")
                .isEqualTo(body);

        // Section 5's table, field by field, without FederationWire.
        byte[] canonical = new CanonicalBytes()
                .text("tongban-federation-content-v1")
                .text(m.messageId())
                .text(m.conversationId())
                .text(m.sender())
                .text(m.receiver())
                .text(m.type().name())
                .text(m.resource())
                .text(m.agreement())
                .text(m.serviceItem())
                .text(m.purpose())
                .text(m.inReplyTo())
                .text(m.contentType())
                .bytes(Sm3.digest(Base64.getDecoder().decode(m.payload())))
                .toByteArray();
        assertSame(canonical, "example.content.canonical");
        assertThat(canonical).hasSize(181);
        assertSame(Sm3.digest(canonical), "example.content.digest");
        assertThat(FederationWire.contentDigest(m)).isEqualTo(hex("example.content.digest"));

        // Another attempt: a new timestamp and nonce, the same content.
        WireMessage again = new WireMessage(
                m.protocol(),
                m.messageId(),
                m.conversationId(),
                m.sender(),
                m.receiver(),
                "2026-11-01T08:00:07Z",
                "Zx9kQ2mVb8rT4wLp1sYc3A",
                m.type(),
                m.resource(),
                m.agreement(),
                m.serviceItem(),
                m.purpose(),
                m.inReplyTo(),
                m.contentType(),
                m.payload());
        assertThat(FederationWire.contentDigest(again)).isEqualTo(hex("example.content.digest"));
        assertThat(FederationWire.digest(JSON.writeValueAsBytes(again))).isNotEqualTo(hex("example.message.sm3"));
        // Absent and empty are the same text.
        WireMessage empty = new WireMessage(
                m.protocol(),
                m.messageId(),
                "",
                m.sender(),
                m.receiver(),
                m.timestamp(),
                m.nonce(),
                m.type(),
                "",
                m.agreement(),
                m.serviceItem(),
                m.purpose(),
                m.inReplyTo(),
                m.contentType(),
                m.payload());
        assertThat(FederationWire.contentDigest(empty)).isEqualTo(hex("example.content.digest"));
    }

    @Test
    void theRequestsSignatureHeaderVerifiesWithTheSendersAnchor_overTheExactBody() {
        byte[] body = body("example.message");
        List<String> request = lines("example.request");
        assertThat(request.get(0)).isEqualTo("POST " + FederationWire.MESSAGES_PATH + " HTTP/1.1");
        assertThat(header(request, "Content-Type")).isEqualTo("application/json");
        String signature = header(request, FederationWire.SIGNATURE_HEADER);
        assertThat(signature).matches("keyId=[0-9a-f]{64};algorithm=SM3withSM2;value=[A-Za-z0-9+/]+={0,2}");
        assertThat(FederationWire.keyIdOf(signature)).isEqualTo(hex("example.sender.fingerprint"));

        assertSame(Sm3.digest(concat(HEX.parseHex(hex("example.sender.za")), body)), "example.message.e");
        PublicKey sender = certificate("sender").getPublicKey();
        assertThat(FederationWire.verifies(signature, body, sender)).isTrue();
        byte[] changed = body.clone();
        changed[changed.length - 2] ^= 1;
        assertThat(FederationWire.verifies(signature, changed, sender)).isFalse();
        assertThat(FederationWire.verifies(
                        signature, body, certificate("receiver").getPublicKey()))
                .isFalse();
        assertThat(FederationWire.verifies(signature.replace("SM3withSM2", "SHA256withECDSA"), body, sender))
                .isFalse();
    }

    @Test
    void theReceiptNamesTheMessagesIdAndDigests_andIsSignedByTheReceiversAnchor() {
        byte[] body = body("example.message");
        WireMessage m = JSON.readValue(body, WireMessage.class);
        byte[] receiptBytes = body("example.receipt");
        WireReceipt receipt = JSON.readValue(receiptBytes, WireReceipt.class);
        assertThat(receipt.protocol()).isEqualTo(FederationWire.PROTOCOL);
        assertThat(receipt.receiptFor()).isEqualTo(m.messageId());
        assertThat(receipt.messageDigest()).isEqualTo(FederationWire.digest(body));
        assertThat(receipt.contentDigest()).isEqualTo(FederationWire.contentDigest(m));
        assertThat(receipt.issuer()).isEqualTo(m.receiver());
        assertThat(receipt.sender()).isEqualTo(m.sender());
        assertThat(receipt.status()).isEqualTo("ACCEPTED");
        assertThat(receipt.response()).isNull();
        assertThat(JSON.writeValueAsBytes(receipt)).isEqualTo(receiptBytes);
        assertThat(FederationWire.digest(receiptBytes)).isEqualTo(hex("example.receipt.sm3"));

        List<String> response = lines("example.receipt.response");
        assertThat(response.get(0)).isEqualTo("HTTP/1.1 200 OK");
        assertThat(header(response, "Content-Type")).isEqualTo("application/json");
        assertSignedByReceiver(header(response, FederationWire.SIGNATURE_HEADER), receiptBytes);
    }

    @Test
    void theErrorIsSignedToo_andNamesTheRefusedBytes() {
        byte[] body = body("example.message");
        byte[] errorBytes = body("example.error");
        WireError error = JSON.readValue(errorBytes, WireError.class);
        assertThat(error.type()).isEqualTo("urn:tongban:federation:" + error.code());
        assertThat(error.fault()).isEqualTo(PeerFault.Fault.SENDER.name());
        assertThat(error.code()).isEqualTo("timestamp");
        assertThat(error.messageId())
                .isEqualTo(JSON.readValue(body, WireMessage.class).messageId());
        assertThat(error.messageDigest()).isEqualTo(FederationWire.digest(body));
        assertThat(JSON.writeValueAsBytes(error)).isEqualTo(errorBytes);

        List<String> response = lines("example.error.response");
        assertThat(response.get(0)).isEqualTo("HTTP/1.1 " + error.status() + " Bad Request");
        assertThat(header(response, "Content-Type")).isEqualTo("application/problem+json");
        assertSignedByReceiver(header(response, FederationWire.SIGNATURE_HEADER), errorBytes);
        // The error table gives this code the status the example shows.
        assertThat(doc).contains("| `timestamp` | SENDER | " + error.status() + " |");
    }

    @Test
    void theDocumentedSettingsAreTheDefaults_andTheConstantsAndTypesAreTheCodes() throws Exception {
        Map<String, String> documented = fields("defaults");
        Map<String, String> defaults = new LinkedHashMap<>();
        var constructor = FederationProperties.class.getDeclaredConstructors()[0];
        RecordComponent[] components = FederationProperties.class.getRecordComponents();
        for (int i = 0; i < components.length; i++) {
            DefaultValue value = components[i].getAnnotation(DefaultValue.class);
            if (value == null) {
                value = constructor.getParameters()[i].getAnnotation(DefaultValue.class);
            }
            if (value != null) {
                defaults.put(components[i].getName(), String.join(",", value.value()));
            }
        }
        assertThat(documented).isEqualTo(defaults);

        assertThat(doc)
                .contains(
                        "`" + FederationWire.PROTOCOL + "`",
                        FederationWire.SIGNATURE_HEADER + ": keyId=",
                        "`POST " + FederationWire.MESSAGES_PATH + "`",
                        "`GET " + FederationWire.DIRECTORY_PATH + "`");
        for (MessageType type : MessageType.values()) {
            assertThat(doc).as("a section for " + type).containsPattern("\\n### 13\\.\\d `" + type.name() + "`");
        }
        Set<MessageType> requests = Arrays.stream(MessageType.values())
                .filter(MessageType::isRequest)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(MessageType.class)));
        assertThat(requests)
                .as("section 10 names the request types")
                .isEqualTo(EnumSet.of(MessageType.QUERY, MessageType.VERIFICATION));
    }

    @Test
    void theCodesMarkedRetryAreTheOnesTheOutboxRetries_andEveryPlatformOrProviderFaultIsRetried() {
        Matcher row = Pattern.compile(
                        "\\n\\| (`[^|]+`) \\| (SENDER|PLATFORM|PROVIDER) \\| (\\d{3}) \\| (retry|final) \\|")
                .matcher(doc);
        Set<String> retried = new java.util.TreeSet<>();
        int rows = 0;
        while (row.find()) {
            rows++;
            if (!row.group(2).equals("SENDER")) {
                assertThat(row.group(4)).as(row.group(1)).isEqualTo("retry");
                continue;
            }
            if (row.group(4).equals("retry")) {
                Matcher code = Pattern.compile("`([^`]+)`").matcher(row.group(1));
                while (code.find()) {
                    retried.add(code.group(1));
                }
            }
        }
        assertThat(rows).as("section 11's code table").isGreaterThan(20);
        assertThat(retried).isEqualTo(new java.util.TreeSet<>(PeerPlatforms.RETRYABLE));
        // Section 12's table names them too.
        String marker = "a `SENDER` code marked *retry* (";
        int at = doc.indexOf(marker);
        assertThat(at).as("section 12 lists the codes a sender retries").isPositive();
        Set<String> listed = new java.util.TreeSet<>();
        Matcher code = Pattern.compile("`([^`]+)`")
                .matcher(doc.substring(at + marker.length(), doc.indexOf(')', at + marker.length())));
        while (code.find()) {
            listed.add(code.group(1));
        }
        assertThat(listed).isEqualTo(retried);
    }

    @Test
    void theTypeTableNamesWhichTypesNeedAResource_andWhichAllowListTheyCross() throws Exception {
        Matcher row = Pattern.compile(
                        "\\n\\| `([A-Z_]+)` [^|]*\\| (yes|no) \\| [^|]+ \\| (required, inbound|required, outbound|none) \\|")
                .matcher(doc);
        var allowed = FederationInbound.class.getDeclaredMethod("allowed", Peer.class, InboundMessage.class);
        allowed.setAccessible(true);
        // Our resource OURS is open to the peer; we take in its resource THEIRS.
        Peer peer = new Peer(
                "440000",
                "peer",
                "https://peer",
                null,
                null,
                PeerStatus.ACTIVE,
                List.of("OURS"),
                List.of("THEIRS"),
                null,
                null,
                null);
        Set<MessageType> seen = EnumSet.noneOf(MessageType.class);
        while (row.find()) {
            MessageType type = MessageType.valueOf(row.group(1));
            seen.add(type);
            assertThat(row.group(2).equals("yes")).as(type + " is a request").isEqualTo(type.isRequest());
            assertThat(row.group(3).startsWith("required"))
                    .as(type + " names its resource")
                    .isEqualTo(type.needsResource());
            if (!type.needsResource()) {
                continue;
            }
            String list = row.group(3).substring("required, ".length());
            assertThat(allowed.invoke(null, peer, about(type, "OURS")))
                    .as(type + " of ours")
                    .isEqualTo(list.equals("outbound"));
            assertThat(allowed.invoke(null, peer, about(type, "THEIRS")))
                    .as(type + " of theirs")
                    .isEqualTo(list.equals("inbound"));
        }
        assertThat(seen).isEqualTo(EnumSet.allOf(MessageType.class));
        String needing = Arrays.stream(MessageType.values())
                .filter(MessageType::needsResource)
                .map(t -> "`" + t.name() + "`")
                .collect(Collectors.joining(", "));
        int last = needing.lastIndexOf(", ");
        assertThat(doc)
                .as("section 6, step 5")
                .contains("For " + needing.substring(0, last) + " and" + needing.substring(last + 1)
                        + ", `resource` is present");
    }

    @Test
    void theNonceAndIdFormsAreTheOnesTheReceiverChecks() throws Exception {
        var field = FederationInbound.class.getDeclaredField("NONCE");
        field.setAccessible(true);
        Pattern nonce = (Pattern) field.get(null);
        assertThat(doc).contains("16 to 128 characters of `A-Z a-z 0-9 _ -`");
        assertThat(nonce.matcher("A".repeat(16)).matches()).isTrue();
        assertThat(nonce.matcher("z9_-".repeat(32)).matches()).isTrue();
        assertThat(nonce.matcher("A".repeat(15)).matches()).isFalse();
        assertThat(nonce.matcher("A".repeat(129)).matches()).isFalse();
        assertThat(nonce.matcher("A".repeat(15) + "=").matches()).isFalse();
        assertThat(nonce.matcher(JSON.readValue(body("example.message"), WireMessage.class)
                                .nonce())
                        .matches())
                .isTrue();

        var uuid = FederationInbound.class.getDeclaredField("CANONICAL_UUID");
        uuid.setAccessible(true);
        Pattern canonical = (Pattern) uuid.get(null);
        String id = JSON.readValue(body("example.message"), WireMessage.class).messageId();
        assertThat(canonical.matcher(id).matches()).isTrue();
        assertThat(canonical.matcher(id.toUpperCase(java.util.Locale.ROOT)).matches())
                .isFalse();
    }

    @Test
    void aPeerPlatformsDeliveriesWaitTheDocumentedNumberOfAttempts() throws Exception {
        var field = Class.forName("cn.tongban.exchange.EndpointDelivery").getDeclaredField("PEER_MAX_ATTEMPTS");
        field.setAccessible(true);
        int attempts = field.getInt(null);
        assertThat(doc).contains("goes to the dead letters after " + attempts + " attempts", "raised to " + attempts);
    }

    private static InboundMessage about(MessageType type, String resource) {
        return new InboundMessage(
                null, null, "440000", "430000", null, type, resource, null, null, null, null, new byte[0], null);
    }

    private static void assertSignedByReceiver(String signature, byte[] body) {
        assertThat(FederationWire.keyIdOf(signature)).isEqualTo(hex("example.receiver.fingerprint"));
        assertThat(FederationWire.verifies(
                        signature, body, certificate("receiver").getPublicKey()))
                .isTrue();
        assertThat(FederationWire.verifies(
                        signature, body, certificate("sender").getPublicKey()))
                .isFalse();
    }

    private static X509Certificate certificate(String side) {
        return HubKeys.readCertificate(block("example." + side + ".certificate"));
    }

    private static byte[] body(String name) {
        return block(name).getBytes(StandardCharsets.UTF_8);
    }

    private static String hex(String name) {
        String value = block(name).replaceAll("\\s", "");
        assertThat(value).as(name + " is hex").matches("[0-9a-f]+");
        return value;
    }

    private static List<String> lines(String name) {
        return List.of(block(name).split("\n"));
    }

    private static String header(List<String> message, String name) {
        return message.stream()
                .filter(l -> l.startsWith(name + ": "))
                .map(l -> l.substring(name.length() + 2))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no header " + name));
    }

    private static Map<String, String> fields(String name) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : block(name).split("\n")) {
            int eq = line.indexOf(" = ");
            values.put(line.substring(0, eq), line.substring(eq + 3).strip());
        }
        return values;
    }

    private static String block(String name) {
        assertThat(blocks).as("docs/federation-protocol.md has a block " + name).containsKey(name);
        return blocks.get(name);
    }

    private static void assertSame(byte[] actual, String documented) {
        assertThat(HEX.formatHex(actual)).as(documented).isEqualTo(hex(documented));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
