package dev.hearth.model.constrain;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A small synthetic vocabulary for unit tests: token {@code b} is the single byte {@code b}
 * (0–255), then the given multi-byte tokens, then one end-of-generation token.
 */
final class ByteVocabulary {
    final List<byte[]> tokens = new ArrayList<>();
    final int end;
    final TokenTrie trie;

    ByteVocabulary(List<byte[]> extra) {
        for (int b = 0; b < 256; b++) {
            tokens.add(new byte[] {(byte) b});
        }
        tokens.addAll(extra);
        end = tokens.size();
        byte[][] bytes = tokens.toArray(byte[][]::new);
        bytes = java.util.Arrays.copyOf(bytes, end + 1);
        trie = new TokenTrie(bytes, new int[] {end});
    }

    static ByteVocabulary of(String... extra) {
        return new ByteVocabulary(java.util.Arrays.stream(extra).map(s -> s.getBytes(StandardCharsets.UTF_8)).toList());
    }

    int size() {
        return end + 1;
    }

    /** Feeds {@code text} one byte token at a time; returns whether every byte was accepted. */
    static boolean feedBytes(JsonConstraint constraint, byte[] text) {
        for (byte b : text) {
            if (!constraint.accepts(b & 0xFF)) {
                return false;
            }
            constraint.accept(b & 0xFF);
        }
        return true;
    }
}
