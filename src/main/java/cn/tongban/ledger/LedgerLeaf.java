package cn.tongban.ledger;

import cn.tongban.signing.CanonicalBytes;
import cn.tongban.signing.MerkleTree;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * 账本叶子: one delivery named inside an event that covers many deliveries of one batch to one
 * demander (ADR 0012). The event's payload digest is the Merkle root (RFC 6962 shape, SM3) of its
 * leaves in order, so a leaf cannot be added, dropped, reordered or changed without the event's
 * digest — which its chained hash covers — giving it away. Like the event, a leaf names a person
 * only by reference and a payload only by digest.
 */
public record LedgerLeaf(String deliveryKey, String sourceRecordId, String personRef, String digest) {

    public static final String DOMAIN = "tongban-ledger-leaf-v1";

    /** The canonical bytes hashed as the leaf (ADR 0012): the domain, then each field length-prefixed, null as empty. */
    public byte[] canonicalBytes() {
        return new CanonicalBytes()
                .text(DOMAIN)
                .text(deliveryKey)
                .text(sourceRecordId)
                .text(personRef)
                .text(digest)
                .toByteArray();
    }

    /** The Merkle root of the leaves, in hex: what the covering event carries as its payload digest. */
    public static String root(List<LedgerLeaf> leaves) {
        List<byte[]> bytes = new ArrayList<>(leaves.size());
        for (LedgerLeaf leaf : leaves) {
            bytes.add(leaf.canonicalBytes());
        }
        return HexFormat.of().formatHex(MerkleTree.of(bytes).root());
    }
}
