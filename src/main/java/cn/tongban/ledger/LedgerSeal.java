package cn.tongban.ledger;

import cn.tongban.signing.CanonicalBytes;
import cn.tongban.signing.Sm3;

/**
 * 封印: an SM2 signature over the RFC 6962 SM3 Merkle root of events {@code fromSeq..toSeq}
 * (leaf bytes: each event's hash), chained to the previous seal by its hash.
 */
public record LedgerSeal(
        long id,
        long fromSeq,
        long toSeq,
        int treeSize,
        byte[] root,
        byte[] prevSealHash,
        String sealedAt,
        String keyId,
        byte[] signature,
        byte[] sealHash) {

    public static final String DOMAIN = "tongban-ledger-seal-v1";

    /** What the SM2 signature covers. */
    public static byte[] signedBytes(
            long id,
            long fromSeq,
            long toSeq,
            int treeSize,
            byte[] root,
            byte[] prevSealHash,
            String sealedAt,
            String keyId) {
        return new CanonicalBytes()
                .text(DOMAIN)
                .number(id)
                .number(fromSeq)
                .number(toSeq)
                .number(treeSize)
                .bytes(root)
                .bytes(prevSealHash)
                .text(sealedAt)
                .text(keyId)
                .toByteArray();
    }

    public byte[] signedBytes() {
        return signedBytes(id, fromSeq, toSeq, treeSize, root, prevSealHash, sealedAt, keyId);
    }

    /** The hash the next seal chains to: the signed bytes and the signature. */
    public static byte[] hashOf(byte[] signedBytes, byte[] signature) {
        return Sm3.digest(
                new CanonicalBytes().bytes(signedBytes).bytes(signature).toByteArray());
    }
}
