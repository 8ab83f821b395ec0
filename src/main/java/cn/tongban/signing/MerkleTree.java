package cn.tongban.signing;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.crypto.digests.SM3Digest;

/**
 * RFC 6962 (Certificate Transparency) Merkle tree with SM3: leaf = SM3(0x00 ‖ leaf), node =
 * SM3(0x01 ‖ left ‖ right), split at the largest power of two below n, no duplicated last leaf.
 * The domain separation keeps a leaf from ever passing for an inner node.
 */
public final class MerkleTree {

    /** levels.get(0) are the leaf hashes; the last level holds the root. */
    private final List<List<byte[]>> levels;

    private MerkleTree(List<List<byte[]>> levels) {
        this.levels = levels;
    }

    /**
     * A tree over the leaves' bytes (each hashed as a leaf). Built bottom-up, carrying an unpaired
     * last node up unchanged: the same tree as RFC 6962's split at the largest power of two.
     */
    public static MerkleTree of(List<byte[]> leaves) {
        List<byte[]> hashes = new ArrayList<>(leaves.size());
        for (byte[] leaf : leaves) {
            hashes.add(leafHash(leaf));
        }
        return ofLeafHashes(hashes);
    }

    /** A tree over leaf hashes already computed (e.g. stored with a batch). */
    public static MerkleTree ofLeafHashes(List<byte[]> leafHashes) {
        if (leafHashes.isEmpty()) {
            throw new IllegalArgumentException("a Merkle tree needs at least one leaf");
        }
        List<byte[]> level = new ArrayList<>(leafHashes);
        List<List<byte[]>> levels = new ArrayList<>();
        levels.add(level);
        while (level.size() > 1) {
            List<byte[]> up = new ArrayList<>((level.size() + 1) / 2);
            for (int i = 0; i + 1 < level.size(); i += 2) {
                up.add(nodeHash(level.get(i), level.get(i + 1)));
            }
            if (level.size() % 2 == 1) {
                up.add(level.get(level.size() - 1));
            }
            levels.add(up);
            level = up;
        }
        return new MerkleTree(levels);
    }

    public int size() {
        return levels.get(0).size();
    }

    public byte[] root() {
        return levels.get(levels.size() - 1).get(0);
    }

    public byte[] leafHashAt(int index) {
        return levels.get(0).get(index);
    }

    /** The audit path of sibling hashes for leaf {@code index}, from the leaf upward (RFC 6962 §2.1.1). */
    public List<byte[]> inclusionProof(int index) {
        if (index < 0 || index >= size()) {
            throw new IndexOutOfBoundsException("leaf " + index + " of " + size());
        }
        List<byte[]> path = new ArrayList<>();
        int i = index;
        for (int level = 0; level < levels.size() - 1; level++) {
            List<byte[]> nodes = levels.get(level);
            int sibling = i ^ 1;
            if (sibling < nodes.size()) {
                path.add(nodes.get(sibling));
            }
            i >>= 1;
        }
        return path;
    }

    /**
     * One digest per thread: a tree of a million leaves takes two million small hashes, and a
     * fresh digest each time (allocated, then reset twice) cost more than a tenth of the hashing.
     * {@code doFinal} leaves the digest reset for the next hash.
     */
    private static final ThreadLocal<SM3Digest> DIGEST = ThreadLocal.withInitial(SM3Digest::new);

    public static byte[] leafHash(byte[] leaf) {
        int length = leaf.length; // a null leaf fails here, before the shared digest is touched
        SM3Digest digest = DIGEST.get();
        digest.update((byte) 0x00);
        digest.update(leaf, 0, length);
        return finish(digest);
    }

    static byte[] nodeHash(byte[] left, byte[] right) {
        int leftLength = left.length;
        int rightLength = right.length;
        SM3Digest digest = DIGEST.get();
        digest.update((byte) 0x01);
        digest.update(left, 0, leftLength);
        digest.update(right, 0, rightLength);
        return finish(digest);
    }

    /**
     * Verifies an inclusion proof as RFC 9162 §2.1.3.2 describes: recomputes the root from the leaf
     * hash and the audit path, and compares.
     */
    public static boolean verifyInclusion(byte[] leafHash, long index, long treeSize, List<byte[]> path, byte[] root) {
        if (index < 0 || index >= treeSize) {
            return false;
        }
        long fn = index;
        long sn = treeSize - 1;
        byte[] r = leafHash;
        for (byte[] p : path) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = nodeHash(p, r);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                r = nodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && MessageDigest.isEqual(r, root);
    }

    private static byte[] finish(SM3Digest digest) {
        byte[] out = new byte[32];
        digest.doFinal(out, 0);
        return out;
    }
}
