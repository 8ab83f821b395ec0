package cn.tongban.consent;

import static org.assertj.core.api.Assertions.assertThat;

import cn.tongban.signing.Sm2Signer;
import cn.tongban.signing.Sm3;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.spec.ECPublicKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/verification.md is what a notary's tool goes by: its worked example is read from the file,
 * the canonical bytes rebuilt from the documented layout (without the hub's code) and by the hub's
 * code, and the documented signature verified with the documented key, and refused when a byte changes.
 */
class VerificationDocTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final Pattern BLOCK = Pattern.compile("```(hex|text) (\\S+)\\n(.*?)```", Pattern.DOTALL);

    static final Map<String, byte[]> hex = new HashMap<>();
    static final Map<String, String> fields = new LinkedHashMap<>();

    @BeforeAll
    static void read() throws Exception {
        Matcher m = BLOCK.matcher(Files.readString(Path.of("docs", "verification.md")));
        while (m.find()) {
            if (m.group(1).equals("hex")) {
                hex.put(m.group(2), HEX.parseHex(m.group(3).replaceAll("\\s", "")));
            } else if (m.group(2).equals("verification.fields")) {
                for (String line : m.group(3).split("\n")) {
                    int eq = line.indexOf(" =");
                    fields.put(line.substring(0, eq), line.substring(eq + 2).strip());
                }
            }
        }
    }

    @Test
    void theDocumentedLayoutGivesTheDocumentedBytes() {
        assertThat(HEX.formatHex(documentedLayout())).isEqualTo(HEX.formatHex(hex.get("verification.canonical")));
        assertThat(HEX.formatHex(Sm3.digest(documentedLayout()))).isEqualTo(HEX.formatHex(hex.get("verification.sm3")));
    }

    @Test
    void theHubBuildsTheSameBytes() {
        VerificationRequest request = new VerificationRequest(
                f("resourceCode"),
                UUID.fromString(f("agreementId")),
                f("caseNumber"),
                f("purpose"),
                UUID.fromString(f("consentId")),
                new ConsentRegistry.Subject(f("idNumber").toLowerCase()),
                // as the notary sent it: the school with a leading space, which the bytes hold trimmed
                Map.of("school", " " + f("claim.school"), "certificateNo", f("claim.certificateNo")),
                List.of("major"));
        byte[] canonical = Verification.canonicalBytes(
                f("verificationId"),
                request,
                f("notaryUscc"),
                Verification.Outcome.valueOf(f("outcome")),
                new TreeMap<>(Map.of("school", true, "certificateNo", true)),
                new TreeMap<>(Map.of("major", f("disclosed.major"))),
                f("answeredAt"));
        assertThat(HEX.formatHex(canonical)).isEqualTo(HEX.formatHex(hex.get("verification.canonical")));
    }

    @Test
    void theDocumentedSignatureVerifiesAndATamperedAnswerDoesNot() throws Exception {
        var spec = ECNamedCurveTable.getParameterSpec("sm2p256v1");
        PublicKey key = KeyFactory.getInstance("EC", new org.bouncycastle.jce.provider.BouncyCastleProvider())
                .generatePublic(new ECPublicKeySpec(spec.getCurve().decodePoint(hex.get("public-key")), spec));
        byte[] message = hex.get("verification.canonical");
        byte[] signature = hex.get("verification.signature.der");
        assertThat(Sm2Signer.verify(key, message, signature)).isTrue();
        byte[] noMatch = documentedLayout("NO_MATCH");
        assertThat(Sm2Signer.verify(key, noMatch, signature)).isFalse();
    }

    private static byte[] documentedLayout() {
        return documentedLayout(f("outcome"));
    }

    /** §3's table, field by field. */
    private static byte[] documentedLayout(String outcome) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String text : List.of(
                "tongban-verification-v1",
                f("verificationId"),
                f("resourceCode"),
                f("agreementId"),
                f("consentId"),
                f("caseNumber"),
                f("purpose"),
                f("notaryUscc"),
                f("idNumber"),
                outcome)) {
            text(out, text);
        }
        out.writeBytes(ByteBuffer.allocate(8).putLong(2).array());
        for (String field : List.of("certificateNo", "school")) {
            text(out, field);
            text(out, f("claim." + field));
            text(out, f("result." + field));
        }
        out.writeBytes(ByteBuffer.allocate(8).putLong(1).array());
        text(out, "major");
        text(out, f("disclosed.major"));
        text(out, f("answeredAt"));
        return out.toByteArray();
    }

    private static void text(ByteArrayOutputStream out, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
        out.writeBytes(bytes);
    }

    private static String f(String name) {
        assertThat(fields).as("docs/verification.md names " + name).containsKey(name);
        return fields.get(name);
    }
}
