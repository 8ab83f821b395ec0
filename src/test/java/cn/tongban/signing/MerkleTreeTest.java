package cn.tongban.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {

    @Test
    void aSingleLeafIsItsOwnRootWithDomainSeparation() {
        byte[] leaf = "a".getBytes(StandardCharsets.UTF_8);
        MerkleTree tree = MerkleTree.of(List.of(leaf));
        assertThat(tree.root()).isEqualTo(MerkleTree.leafHash(leaf)).isNotEqualTo(Sm3.digest(leaf));
        assertThat(tree.inclusionProof(0)).isEmpty();
    }

    /** The bottom-up build equals RFC 6962's definition: split at the largest power of two below n. */
    @Property(tries = 60)
    void rootMatchesTheRfc6962Definition(@ForAll @IntRange(min = 1, max = 300) int n) {
        List<byte[]> leaves = leaves(n);
        assertThat(MerkleTree.of(leaves).root()).isEqualTo(rfc6962Root(leaves, 0, n));
    }

    @Property(tries = 60)
    void everyLeafsProofVerifiesAndNoOtherLeafsDoes(@ForAll @IntRange(min = 1, max = 70) int n) {
        List<byte[]> leaves = leaves(n);
        MerkleTree tree = MerkleTree.of(leaves);
        for (int i = 0; i < n; i++) {
            List<byte[]> proof = tree.inclusionProof(i);
            assertThat(MerkleTree.verifyInclusion(MerkleTree.leafHash(leaves.get(i)), i, n, proof, tree.root()))
                    .isTrue();
            int other = (i + 1) % n;
            if (other != i) {
                assertThat(MerkleTree.verifyInclusion(MerkleTree.leafHash(leaves.get(other)), i, n, proof, tree.root()))
                        .isFalse();
            }
        }
    }

    @Test
    void aTamperedPathOrRootFails() {
        List<byte[]> leaves = leaves(11);
        MerkleTree tree = MerkleTree.of(leaves);
        List<byte[]> proof = new ArrayList<>(tree.inclusionProof(5));
        byte[] leaf = MerkleTree.leafHash(leaves.get(5));
        proof.get(1)[0] ^= 1;
        assertThat(MerkleTree.verifyInclusion(leaf, 5, 11, proof, tree.root())).isFalse();
        assertThat(MerkleTree.verifyInclusion(leaf, 5, 12, tree.inclusionProof(5), tree.root()))
                .isFalse();
        assertThat(MerkleTree.verifyInclusion(leaf, 11, 11, tree.inclusionProof(5), tree.root()))
                .isFalse();
    }

    private static List<byte[]> leaves(int n) {
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            leaves.add(("leaf-" + i).getBytes(StandardCharsets.UTF_8));
        }
        return leaves;
    }

    private static byte[] rfc6962Root(List<byte[]> leaves, int from, int to) {
        int n = to - from;
        if (n == 1) {
            return MerkleTree.leafHash(leaves.get(from));
        }
        int k = Integer.highestOneBit(n - 1);
        return MerkleTree.nodeHash(rfc6962Root(leaves, from, from + k), rfc6962Root(leaves, from + k, to));
    }
}
