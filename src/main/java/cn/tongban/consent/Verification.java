package cn.tongban.consent;

import cn.tongban.signing.CanonicalBytes;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;

/**
 * 核验结果: the least that answers a verification — whether each claim holds, the disclosed fields
 * as the agreement masks them, and the hub's SM2 signature over {@link #canonicalBytes}. It carries
 * no ID number and no claimed value: the notary's tool puts those back from its own request to
 * check the signature (docs/verification.md), so an answer cannot be passed off as another's.
 */
public record Verification(
        String verificationId,
        Outcome outcome,
        SortedMap<String, Boolean> claims,
        SortedMap<String, String> disclosed,
        String answeredAt,
        Signature signature) {

    /** What the canonical bytes start with: their layout's name and version. */
    public static final String LAYOUT = "tongban-verification-v1";

    /** MATCH: every claim holds; NO_MATCH: at least one does not; NOT_FOUND: the supplier has no record. */
    public enum Outcome {
        MATCH,
        NO_MATCH,
        NOT_FOUND
    }

    /** SM3withSM2 with the default signer ID; {@code value} is the DER signature, base64. */
    public record Signature(String algorithm, String keyId, String value) {}

    /**
     * The signed bytes: each text as a 4-byte big-endian length and its UTF-8 bytes, each count as
     * 8 bytes big-endian, claims and disclosed fields in ascending order of their names.
     */
    public static byte[] canonicalBytes(
            String verificationId,
            VerificationRequest request,
            String notaryUscc,
            Outcome outcome,
            SortedMap<String, Boolean> claims,
            SortedMap<String, String> disclosed,
            String answeredAt) {
        CanonicalBytes out = new CanonicalBytes()
                .text(LAYOUT)
                .text(verificationId)
                .text(request.resourceCode())
                .text(request.agreementId().toString())
                .text(request.consentId().toString())
                .text(request.caseNumber())
                .text(request.purpose())
                .text(notaryUscc)
                .text(request.subject().idNumber().strip().toUpperCase(Locale.ROOT))
                .text(outcome.name())
                .number(claims.size());
        for (Map.Entry<String, Boolean> claim : claims.entrySet()) {
            out.text(claim.getKey())
                    .text(request.claims().get(claim.getKey()).strip())
                    .text(claim.getValue().toString());
        }
        out.number(disclosed.size());
        disclosed.forEach((field, value) -> out.text(field).text(value));
        return out.text(answeredAt).toByteArray();
    }
}
