package dev.hearth.model.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.PriorityQueue;
import java.util.function.IntConsumer;

/**
 * SentencePiece's BPE step, as llama.cpp runs it: start from one symbol per character, repeatedly
 * merge the adjacent pair whose concatenation is the highest-scoring vocabulary entry (leftmost
 * on ties), then write each remaining symbol as its token, or as byte tokens when it has none.
 *
 * <p>The symbols form a linked list and candidate pairs wait in a priority queue; a merge only
 * adds the two new neighbouring pairs, so a text of n characters costs O(n log n). Candidates made
 * stale by an earlier merge are recognised by their length and skipped. Immutable and
 * thread-safe: each call keeps its own working state.
 */
final class SentencePieceSegmenter {

    // best first: higher score, then the leftmost pair, as llama.cpp's llm_bigram_spm comparator
    private static final Comparator<Candidate> BEST_FIRST = (a, b) -> {
        if (a.score() > b.score()) {
            return -1;
        }
        if (a.score() < b.score()) {
            return 1;
        }
        return Integer.compare(a.left(), b.left());
    };

    /** A pair of adjacent symbols whose concatenation (of {@code length} chars) is a token. */
    private record Candidate(int left, int right, float score, int length) {}

    private final Vocabulary vocabulary;
    private final int[] byteTokens; // byte value → token id, or -1
    private final OptionalInt unknown;

    SentencePieceSegmenter(Vocabulary vocabulary, OptionalInt unknown) {
        this.vocabulary = vocabulary;
        this.unknown = unknown;
        this.byteTokens = new int[256];
        for (int b = 0; b < 256; b++) {
            // llama.cpp's byte_to_token: the <0xNN> entry, else an entry that is the byte itself
            OptionalInt id = vocabulary.id(EscapedSpacePieces.byteTokenText(b));
            if (id.isEmpty() && b < 0x80) {
                id = vocabulary.id(String.valueOf((char) b));
            }
            byteTokens[b] = id.orElse(-1);
        }
    }

    /**
     * Segments {@code text}, which must already have its spaces escaped as {@code ▁}, and passes
     * each token id to {@code out} in order.
     *
     * @throws IllegalStateException when a character has no token, the vocabulary lacks a byte
     *     token for one of its bytes, and there is no unknown token to stand in
     */
    void segment(String text, IntConsumer out) {
        new Run(text).mergeAndEmit(out);
    }

    /** The working state of one call: the symbol list over {@code text} and the queue of pairs. */
    private final class Run {
        private final String text;
        // symbol s covers text[start[s], start[s] + length[s]); a merged-away symbol has length 0
        private final int[] start;
        private final int[] length;
        private final int[] prev;
        private final int[] next;
        private final int count;
        private final PriorityQueue<Candidate> queue = new PriorityQueue<>(BEST_FIRST);

        Run(String text) {
            this.text = text;
            int n = text.length();
            start = new int[n];
            length = new int[n];
            prev = new int[n];
            next = new int[n];
            int s = 0;
            for (int i = 0; i < n; s++) {
                int chars = Character.charCount(text.codePointAt(i));
                start[s] = i;
                length[s] = chars;
                prev[s] = s - 1;
                i += chars;
                next[s] = i < n ? s + 1 : -1;
            }
            count = s;
        }

        void mergeAndEmit(IntConsumer out) {
            if (count == 0) {
                return;
            }
            for (int s = 1; s < count; s++) {
                offer(s - 1, s);
            }
            while (!queue.isEmpty()) {
                Candidate pair = queue.poll();
                int left = pair.left();
                int right = pair.right();
                if (length[left] == 0 || length[right] == 0 || length[left] + length[right] != pair.length()) {
                    continue; // one side was merged into something else since this pair was queued
                }
                length[left] += length[right];
                length[right] = 0;
                next[left] = next[right];
                if (next[right] >= 0) {
                    prev[next[right]] = left;
                }
                offer(prev[left], left);
                offer(left, next[left]);
            }
            for (int s = 0; s != -1; s = next[s]) {
                emit(text.substring(start[s], start[s] + length[s]), out);
            }
        }

        private void offer(int left, int right) {
            if (left < 0 || right < 0) {
                return;
            }
            int chars = length[left] + length[right];
            int end = start[left] + chars;
            int id = vocabulary.id(text, start[left], end, end, end); // no substring per candidate pair
            if (id != TokenIds.ABSENT) {
                queue.add(new Candidate(left, right, vocabulary.score(id), chars));
            }
        }
    }

    // A symbol is either a single character or the result of merges, and merges only make
    // vocabulary entries, so a symbol without a token is one character: llama.cpp's resegment
    // never needs to undo a merge here, only to fall back to bytes.
    private void emit(String symbol, IntConsumer out) {
        OptionalInt id = vocabulary.id(symbol);
        if (id.isPresent()) {
            out.accept(id.getAsInt());
            return;
        }
        byte[] bytes = symbol.getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            if (byteTokens[b & 0xFF] < 0) {
                out.accept(unknown.orElseThrow(() -> new IllegalStateException("cannot encode U+"
                        + Integer.toHexString(symbol.codePointAt(0)).toUpperCase(Locale.ROOT)
                        + ": the vocabulary has no token for it, no byte token for byte "
                        + (b & 0xFF) + " and no unknown token")));
                return;
            }
        }
        for (byte b : bytes) {
            out.accept(byteTokens[b & 0xFF]);
        }
    }
}
