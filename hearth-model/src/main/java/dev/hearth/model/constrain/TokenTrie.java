package dev.hearth.model.constrain;

import dev.hearth.model.tokenizer.SpecialTokens;
import dev.hearth.model.tokenizer.TokenType;
import dev.hearth.model.tokenizer.Tokenizer;
import dev.hearth.model.tokenizer.Vocabulary;
import java.util.Arrays;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.stream.IntStream;

/**
 * A vocabulary as the matcher needs it: every token's exact output bytes, and a trie of them, so
 * that one walk tries all tokens at once and drops every token that shares a rejected prefix in
 * one step. Built once per tokenizer (about a second for 150k tokens) and cached, so a server
 * that builds a constraint per request pays once.
 *
 * <p>The trie is stored in preorder: node {@code i}'s subtree is {@code i..subtreeEnd[i]-1},
 * {@link #depth} is the length of its prefix, {@link #label} the prefix's last byte. Node 0 is
 * the empty prefix. The tokens that end at node {@code i} are
 * {@code tokens[tokenStart[i]..tokenStart[i+1]-1]}; since they are numbered in the same order, the
 * first token at or below a node spells the node's prefix.
 *
 * <p>Only normal and byte tokens take part: control and user-defined tokens ({@code <|im_end|>},
 * {@code <think>}), unknown and unused entries, and tokens with no bytes are never allowed inside
 * JSON; the end-of-generation tokens are allowed once the value is whole. Bytes are those the token
 * adds after earlier text ({@code atStart = false}): a generated token always follows the prompt.
 * Immutable apart from the lazily built {@link StringBodyTable}s; safe to share between threads.
 */
final class TokenTrie {
    /** Longer tokens (none in real vocabularies) are left out rather than deepening the walk. */
    static final int MAX_TOKEN_BYTES = 4096;

    private static final Map<Tokenizer, TokenTrie> CACHE = new WeakHashMap<>();

    final int vocabularySize;
    final int[] endTokens;
    final int maxTokenBytes;
    final int nodes;
    final byte[] label;
    final short[] depth;
    final int[] subtreeEnd;
    final int[] tokenStart;
    final int[] tokens;
    private final byte[][] bytes; // token id -> output bytes, null when never allowed
    private final AtomicReferenceArray<StringBodyTable> bodies = new AtomicReferenceArray<>(2 * StringLexer.STATES);

    /**
     * The index of {@code tokenizer}'s vocabulary, built on first use and kept while the tokenizer
     * is reachable. Tokenizers are compared as {@link Map} keys: the implementations here use
     * identity, and a tokenizer equal to another gives the same bytes anyway.
     */
    static TokenTrie of(Tokenizer tokenizer) {
        synchronized (CACHE) {
            return CACHE.computeIfAbsent(tokenizer, TokenTrie::build);
        }
    }

    private static TokenTrie build(Tokenizer tokenizer) {
        Vocabulary vocabulary = tokenizer.vocabulary();
        byte[][] bytes = new byte[vocabulary.size()][];
        for (int id = 0; id < bytes.length; id++) {
            TokenType type = vocabulary.type(id);
            if (type == TokenType.NORMAL || type == TokenType.BYTE) {
                bytes[id] = tokenizer.tokenBytes(id, false, false);
            }
        }
        SpecialTokens special = tokenizer.specialTokens();
        int[] ends = IntStream.concat(special.eos().stream(), special.eot().stream()).distinct().toArray();
        TokenTrie trie = new TokenTrie(bytes, ends);
        trie.body(StringLexer.IN); // the string states nearly every output meets, so no request waits for them
        trie.body(StringLexer.STATES + StringLexer.IN);
        return trie;
    }

    /**
     * @param tokenBytes token id → the bytes it writes, or null for a token never allowed in JSON
     * @param endTokens the tokens that end a generation
     */
    TokenTrie(byte[][] tokenBytes, int[] endTokens) {
        this.vocabularySize = tokenBytes.length;
        this.endTokens = Arrays.stream(endTokens).filter(id -> id >= 0 && id < tokenBytes.length).toArray();
        this.bytes = new byte[tokenBytes.length][];
        int total = 0;
        int longest = 0;
        for (int id = 0; id < tokenBytes.length; id++) {
            byte[] b = tokenBytes[id];
            if (b != null && b.length > 0 && b.length <= MAX_TOKEN_BYTES && !isEnd(id)) {
                bytes[id] = b.clone();
                total += b.length;
                longest = Math.max(longest, b.length);
            }
        }
        this.maxTokenBytes = longest;
        int[] order = IntStream.range(0, bytes.length).filter(id -> bytes[id] != null).toArray();
        sort(order, 0, order.length, 0, new int[order.length]);

        byte[] label = new byte[total + 1];
        short[] depth = new short[total + 1];
        int[] subtreeEnd = new int[total + 1];
        int[] tokenStart = new int[total + 2];
        int[] path = new int[longest + 1]; // path[d]: the node at depth d on the current token's path
        int count = 1;
        byte[] previous = new byte[0];
        for (int k = 0; k < order.length; k++) {
            byte[] b = bytes[order[k]];
            int common = Arrays.mismatch(previous, b);
            common = common < 0 ? b.length : common;
            for (int d = previous.length; d > common; d--) {
                subtreeEnd[path[d]] = count;
            }
            for (int d = common + 1; d <= b.length; d++) {
                label[count] = b[d - 1];
                depth[count] = (short) d;
                tokenStart[count] = k;
                path[d] = count++;
            }
            previous = b; // token k ends at the node created last
        }
        for (int d = previous.length; d > 0; d--) {
            subtreeEnd[path[d]] = count;
        }
        subtreeEnd[0] = count;
        tokenStart[count] = order.length;
        this.nodes = count;
        this.label = Arrays.copyOf(label, count);
        this.depth = Arrays.copyOf(depth, count);
        this.subtreeEnd = Arrays.copyOf(subtreeEnd, count);
        this.tokenStart = Arrays.copyOf(tokenStart, count + 1);
        this.tokens = order;
    }

    /**
     * Sorts {@code ids[from..to)}, whose tokens share their first {@code depth} bytes, by their
     * bytes (unsigned, a prefix first): a most-significant-byte radix sort, several times faster
     * than a comparison sort on 150k tokens.
     */
    private void sort(int[] ids, int from, int to, int depth, int[] scratch) {
        if (to - from < 24) {
            for (int i = from + 1; i < to; i++) { // insertion sort
                int id = ids[i];
                int j = i - 1;
                for (; j >= from && Arrays.compareUnsigned(bytes[ids[j]], bytes[id]) > 0; j--) {
                    ids[j + 1] = ids[j];
                }
                ids[j + 1] = id;
            }
            return;
        }
        int[] start = new int[258]; // bucket 0: tokens that end at depth; bucket 1 + b: byte b
        for (int i = from; i < to; i++) {
            start[bucket(ids[i], depth) + 1]++;
        }
        for (int k = 1; k < start.length; k++) {
            start[k] += start[k - 1];
        }
        int[] next = start.clone();
        for (int i = from; i < to; i++) {
            scratch[from + next[bucket(ids[i], depth)]++] = ids[i];
        }
        System.arraycopy(scratch, from, ids, from, to - from);
        for (int k = 1; k < 257; k++) {
            if (start[k + 1] - start[k] > 1) {
                sort(ids, from + start[k], from + start[k + 1], depth + 1, scratch);
            }
        }
    }

    private int bucket(int id, int depth) {
        byte[] b = bytes[id];
        return depth < b.length ? 1 + (b[depth] & 0xFF) : 0;
    }

    /** The bytes of token {@code id}, or null when it may never appear in JSON output. */
    byte[] bytes(int id) {
        return id >= 0 && id < bytes.length ? bytes[id] : null;
    }

    boolean isEnd(int id) {
        for (int end : endTokens) {
            if (end == id) {
                return true;
            }
        }
        return false;
    }

    /** Byte {@code index} (0-based, below {@code depth[node]}) of node {@code node}'s prefix. */
    int prefixByte(int node, int index) {
        return bytes[tokens[tokenStart[node]]][index] & 0xFF;
    }

    /** The tokens that stay inside a string from lexer state (table index) {@code table}; built on first use. */
    StringBodyTable body(int table) {
        StringBodyTable body = bodies.get(table);
        if (body == null) {
            body = StringBodyTable.build(this, table % StringLexer.STATES, table >= StringLexer.STATES);
            if (!bodies.compareAndSet(table, null, body)) {
                body = bodies.get(table);
            }
        }
        return body;
    }
}
