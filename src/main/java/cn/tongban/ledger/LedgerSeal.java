package cn.tongban.ledger;

import cn.tongban.signing.CanonicalBytes;
import cn.tongban.signing.HubKeys;
import cn.tongban.signing.MerkleTree;
import cn.tongban.signing.Sm2Signer;
import cn.tongban.signing.Sm3;
import java.util.ArrayList;
import java.util.List;

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

    /** The RFC 6962 tree a seal signs: one leaf per event, the leaf bytes being the event's hash. */
    static MerkleTree treeOf(List<byte[]> eventHashes) {
        List<byte[]> leaves = new ArrayList<>(eventHashes.size());
        for (byte[] hash : eventHashes) {
            leaves.add(MerkleTree.leafHash(hash));
        }
        return MerkleTree.ofLeafHashes(leaves);
    }

    /** Seals events {@code fromSeq..toSeq} (their hashes, in order) after the seal {@code prevSealHash}. */
    static LedgerSeal sign(
            long id,
            long fromSeq,
            long toSeq,
            List<byte[]> eventHashes,
            byte[] prevSealHash,
            String sealedAt,
            HubKeys keys) {
        MerkleTree tree = treeOf(eventHashes);
        HubKeys.Signer signer = keys.current();
        byte[] signed =
                signedBytes(id, fromSeq, toSeq, tree.size(), tree.root(), prevSealHash, sealedAt, signer.keyId());
        byte[] signature = Sm2Signer.sign(signer.key(), signed);
        return new LedgerSeal(
                id,
                fromSeq,
                toSeq,
                tree.size(),
                tree.root(),
                prevSealHash,
                sealedAt,
                signer.keyId(),
                signature,
                hashOf(signed, signature));
    }

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
