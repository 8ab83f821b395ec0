package cn.tongban.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MerkleTreeTest {

    @Test
    void aSingleLeafIsItsOwnRootWithDomainSeparation() {
        byte[] leaf = "a".getBytes(StandardCharsets.UTF_8);
        MerkleTree tree = MerkleTree.of(List.of(leaf));
        assertThat(tree.root()).isEqualTo(MerkleTree.leafHash(leaf)).isNotEqualTo(Sm3.digest(leaf));
        assertThat(tree.inclusionProof(0)).isEmpty();
    }

    /** The bottom-up build equals RFC 6962's definition: split at the largest power of two below n. */
    @ParameterizedTest
    @MethodSource("treeSizesUpTo300")
    void rootMatchesTheRfc6962Definition(int n) {
        List<byte[]> leaves = leaves(n);
        assertThat(MerkleTree.of(leaves).root()).isEqualTo(rfc6962Root(leaves, 0, n));
    }

    @ParameterizedTest
    @MethodSource("treeSizesUpTo70")
    void everyLeafsProofVerifiesAndNoOtherLeafsDoes(int n) {
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

    static Stream<Arguments> treeSizesUpTo300() {
        return treeSizes(new Random(6962L), 300);
    }

    static Stream<Arguments> treeSizesUpTo70() {
        return treeSizes(new Random(6963L), 70);
    }

    /** The bounds, then random sizes in 1..max. */
    private static Stream<Arguments> treeSizes(Random random, int max) {
        return IntStream.concat(IntStream.of(1, 2, max), IntStream.range(0, 97).map(i -> 1 + random.nextInt(max)))
                .mapToObj(Arguments::of);
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
