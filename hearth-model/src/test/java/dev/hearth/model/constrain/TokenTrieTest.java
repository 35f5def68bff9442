package dev.hearth.model.constrain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The preorder token trie: every usable token exactly once, at the node that spells it. */
class TokenTrieTest {

    @Test
    void spellsEveryUsableTokenOnceAndLeavesOutTheRest() {
        Random random = new Random(3);
        byte[][] tokens = new byte[2000][];
        for (int id = 0; id < tokens.length; id++) {
            byte[] token = new byte[random.nextInt(6)];
            for (int i = 0; i < token.length; i++) {
                token[i] = (byte) (random.nextBoolean() ? 'a' + random.nextInt(3) : random.nextInt(256));
            }
            tokens[id] = random.nextInt(50) == 0 ? null : token;
        }
        tokens[7] = "ab".getBytes();
        tokens[8] = "ab".getBytes(); // two tokens with the same bytes share a node
        int end = 9;
        TokenTrie trie = new TokenTrie(tokens, new int[] {end});

        Set<Integer> seen = new HashSet<>();
        byte[] path = new byte[trie.maxTokenBytes + 1];
        for (int node = 1; node < trie.nodes; node++) {
            int depth = trie.depth[node];
            path[depth - 1] = trie.label[node];
            assertThat(trie.subtreeEnd[node]).isGreaterThan(node).isLessThanOrEqualTo(trie.nodes);
            for (int k = 0; k < depth; k++) {
                assertThat(trie.prefixByte(node, k)).isEqualTo(path[k] & 0xFF);
            }
            for (int k = trie.tokenStart[node]; k < trie.tokenStart[node + 1]; k++) {
                int id = trie.tokens[k];
                assertThat(seen.add(id)).isTrue();
                assertThat(trie.bytes(id)).isEqualTo(Arrays.copyOf(path, depth));
            }
        }
        List<Integer> expected = new ArrayList<>();
        for (int id = 0; id < tokens.length; id++) {
            if (tokens[id] != null && tokens[id].length > 0 && id != end) {
                expected.add(id);
            } else {
                assertThat(trie.bytes(id)).isNull();
            }
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(trie.isEnd(end)).isTrue();
    }

    @Test
    void subtreesAreContiguousInPreorder() {
        TokenTrie trie = ByteVocabulary.of("ab", "abc", "abd", "b", "ba").trie;
        // root children in byte order; "a" holds "ab", which holds "abc" and "abd"
        for (int node = 1; node < trie.nodes; node++) {
            for (int inner = node + 1; inner < trie.subtreeEnd[node]; inner++) {
                assertThat(trie.depth[inner]).isGreaterThan(trie.depth[node]);
                assertThat(trie.subtreeEnd[inner]).isLessThanOrEqualTo(trie.subtreeEnd[node]);
            }
        }
        ByteArrayOutputStream labels = new ByteArrayOutputStream();
        for (int node = 1; node < trie.nodes; node++) {
            if (trie.label[node] == 'a' || trie.label[node] == 'b' || trie.label[node] == 'c' || trie.label[node] == 'd') {
                labels.write(trie.label[node]);
                labels.write('0' + trie.depth[node]);
            }
        }
        assertThat(labels.toString()).isEqualTo("a1b2c3d3b1a2c1d1");
    }
}
