package dev.hearth.model.constrain;

import java.util.Arrays;

/**
 * Which tokens a string body takes from one {@link StringLexer} state, worked out once per
 * tokenizer by running the lexer over the whole {@link TokenTrie}. Inside a string nearly every
 * token fits, so walking the trie with the full matcher would visit most of its nodes on every
 * step; with this table the matcher only walks below the {@link #exits}, the few places where a
 * token closes the string and carries on into the JSON around it.
 */
final class StringBodyTable {
    /** Bit per token: its bytes stay inside the string (they may end mid-escape or mid-character). */
    final long[] inside;
    /** Per token inside: the characters it adds (for {@code maxLength}), 255 meaning 255 or more. */
    final byte[] characters;
    /** The trie nodes whose byte is the closing quote, reached through string bytes only. */
    final int[] exits;

    private StringBodyTable(long[] inside, byte[] characters, int[] exits) {
        this.inside = inside;
        this.characters = characters;
        this.exits = exits;
    }

    static StringBodyTable build(TokenTrie trie, int lexer, boolean key) {
        long[] inside = new long[(trie.vocabularySize + 63) >>> 6];
        byte[] characters = new byte[trie.vocabularySize];
        int[] exits = new int[64];
        int exitCount = 0;
        int[] state = new int[trie.maxTokenBytes + 1]; // by depth, along the current path
        int[] chars = new int[trie.maxTokenBytes + 1];
        state[0] = lexer;
        for (int node = 1; node < trie.nodes; ) {
            int d = trie.depth[node];
            int b = trie.label[node] & 0xFF;
            int next = StringLexer.step(state[d - 1], b, key);
            if (next == StringLexer.DEAD || next == StringLexer.CLOSE) {
                if (next == StringLexer.CLOSE) {
                    if (exitCount == exits.length) {
                        exits = Arrays.copyOf(exits, exitCount * 2);
                    }
                    exits[exitCount++] = node;
                }
                node = trie.subtreeEnd[node];
                continue;
            }
            state[d] = next;
            chars[d] = chars[d - 1] + (StringLexer.startsCharacter(state[d - 1], b) ? 1 : 0);
            for (int k = trie.tokenStart[node]; k < trie.tokenStart[node + 1]; k++) {
                int id = trie.tokens[k];
                inside[id >>> 6] |= 1L << id;
                characters[id] = (byte) Math.min(chars[d], 255);
            }
            node++;
        }
        return new StringBodyTable(inside, characters, Arrays.copyOf(exits, exitCount));
    }
}
