package dev.hearth.model.tokenizer;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The merge rules of a byte-level BPE vocabulary, and the loop that applies them to one word, as
 * llama.cpp's {@code llm_tokenizer_bpe_session}: start from one symbol per byte, repeatedly merge
 * the adjacent pair with the lowest rank (leftmost first among equals), then emit each symbol's
 * token, or its bytes' tokens when the symbol is not in the vocabulary.
 *
 * <p>Pieces (texts that merges produce or consume) are numbered: a vocabulary entry keeps its
 * token id, any other text gets an id past the vocabulary. Immutable and thread-safe.
 */
final class BpeMerges {
    private static final int ABSENT = -1;

    private final Vocabulary vocabulary;
    // (left piece << 32 | right piece) → (rank << 32 | merged piece)
    private final PairTable merges;
    private final int[] pieceOfByte = new int[256];
    private final int[] tokenOfByte = new int[256];

    private BpeMerges(Vocabulary vocabulary, PairTable merges, Map<String, Integer> extraPieces) {
        this.vocabulary = vocabulary;
        this.merges = merges;
        for (int b = 0; b < 256; b++) {
            String text = String.valueOf(ByteLevelAlphabet.charOf(b));
            tokenOfByte[b] = vocabulary.id(text).orElse(ABSENT);
            pieceOfByte[b] = tokenOfByte[b] != ABSENT ? tokenOfByte[b] : extraPieces.getOrDefault(text, ABSENT);
        }
    }

    /**
     * Reads merges written as {@code "left right"} (GGUF's {@code tokenizer.ggml.merges}); a merge's
     * rank is its index. A pair listed twice keeps its first rank.
     *
     * @throws IllegalArgumentException for a merge without a space separating two parts
     */
    static BpeMerges parse(Vocabulary vocabulary, List<String> merges) {
        Map<String, Integer> extraPieces = new HashMap<>();
        PairTable table = new PairTable(merges.size());
        for (int rank = 0; rank < merges.size(); rank++) {
            String merge = merges.get(rank);
            int space = merge.indexOf(' ', 1); // from 1, as llama.cpp: a part cannot be empty
            if (space < 0) {
                throw new IllegalArgumentException("merge " + rank + " is not two parts separated by a space: '"
                        + merge + "'");
            }
            int end = merge.length();
            int left = piece(vocabulary, extraPieces, merge, 0, space, end, end);
            int right = piece(vocabulary, extraPieces, merge, space + 1, end, end, end);
            int merged = piece(vocabulary, extraPieces, merge, 0, space, space + 1, end);
            table.putIfAbsent(pair(left, right), (long) rank << 32 | merged);
        }
        return new BpeMerges(vocabulary, table, extraPieces);
    }

    /**
     * The piece of the text {@code merge[from1, to1)} followed by {@code merge[from2, to2)}: its
     * token, or a number past the vocabulary for a text that is no token. The text is built only
     * then; a real vocabulary holds every part of its merges.
     */
    private static int piece(Vocabulary vocabulary, Map<String, Integer> extraPieces, String merge, int from1,
            int to1, int from2, int to2) {
        int id = vocabulary.id(merge, from1, to1, from2, to2);
        if (id != ABSENT) {
            return id;
        }
        String text = merge.substring(from1, to1) + merge.substring(from2, to2);
        return extraPieces.computeIfAbsent(text, t -> vocabulary.size() + extraPieces.size());
    }

    private static long pair(int left, int right) {
        return (long) left << 32 | (right & 0xFFFFFFFFL);
    }

    /**
     * Appends the tokens of one pre-tokenized word, given as its UTF-8 bytes {@code word[0..length)}.
     *
     * @param wholeWordFirst when the whole word is a token, take it without merging (llama.cpp's
     *     {@code ignore_merges}, set for Llama 3)
     */
    void encode(byte[] word, int length, boolean wholeWordFirst, IntList out) {
        if (wholeWordFirst) {
            int whole = vocabulary.id(ByteLevelAlphabet.encode(word, length)).orElse(ABSENT);
            if (whole != ABSENT) {
                out.add(whole);
                return;
            }
        }
        Symbols symbols = new Symbols(word, length);
        RankQueue queue = new RankQueue(length);
        for (int i = 0; i + 1 < length; i++) {
            queue.offer(i, rankedMerge(symbols.piece[i], symbols.piece[i + 1]));
        }
        while (!queue.isEmpty()) {
            long entry = queue.poll();
            int left = (int) entry;
            int right = symbols.next[left];
            // a stale entry: one of its symbols has merged since, so the pair now has another rank
            if (symbols.length[left] == 0 || right < 0) {
                continue;
            }
            long current = rankedMerge(symbols.piece[left], symbols.piece[right]);
            if (current == ABSENT || current >>> 32 != entry >>> 32) {
                continue;
            }
            symbols.merge(left, (int) current);
            if (symbols.prev[left] >= 0) {
                queue.offer(symbols.prev[left], rankedMerge(symbols.piece[symbols.prev[left]], symbols.piece[left]));
            }
            if (symbols.next[left] >= 0) {
                queue.offer(left, rankedMerge(symbols.piece[left], symbols.piece[symbols.next[left]]));
            }
        }
        for (int i = 0; i >= 0; i = symbols.next[i]) {
            int piece = symbols.piece[i];
            if (piece >= 0 && piece < vocabulary.size()) {
                out.add(piece);
            } else {
                // not a token: fall back to one token per byte, skipping bytes the vocabulary lacks
                for (int b = i; b < i + symbols.length[i]; b++) {
                    if (tokenOfByte[word[b] & 0xFF] != ABSENT) {
                        out.add(tokenOfByte[word[b] & 0xFF]);
                    }
                }
            }
        }
    }

    /** (rank << 32 | merged piece) for merging {@code left} with {@code right}, or ABSENT. */
    private long rankedMerge(int left, int right) {
        if (left < 0 || right < 0) {
            return ABSENT;
        }
        return merges.get(pair(left, right));
    }

    /**
     * An open-addressing map from pair to ranked merge, for non-negative values. A boxed
     * {@code HashMap<Long, Long>} hashes a pair as left XOR right, which collides heavily for
     * token ids, and allocates on every lookup.
     */
    private static final class PairTable {
        private static final long EMPTY = -1;
        private final long[] keys;
        private final long[] values;
        private final int mask;

        PairTable(int expected) {
            int capacity = Integer.highestOneBit(Math.max(expected, 8) * 2) * 2;
            keys = new long[capacity];
            values = new long[capacity];
            Arrays.fill(keys, EMPTY);
            mask = capacity - 1;
        }

        /** Keeps an existing value: the first rank listed wins. */
        void putIfAbsent(long key, long value) {
            int i = slot(key);
            if (keys[i] == EMPTY) {
                keys[i] = key;
                values[i] = value;
            }
        }

        long get(long key) {
            int i = slot(key);
            return keys[i] == EMPTY ? ABSENT : values[i];
        }

        private int slot(long key) {
            int i = (int) mix(key) & mask;
            while (keys[i] != EMPTY && keys[i] != key) {
                i = (i + 1) & mask;
            }
            return i;
        }

        private static long mix(long key) { // SplitMix64's finalizer
            key = (key ^ (key >>> 30)) * 0xBF58476D1CE4E5B9L;
            key = (key ^ (key >>> 27)) * 0x94D049BB133111EBL;
            return key ^ (key >>> 31);
        }
    }

    /** A word as a doubly linked list of symbols; symbol i starts at byte i, merged-away ones have length 0. */
    private final class Symbols {
        final int[] piece;
        final int[] length;
        final int[] prev;
        final int[] next;

        Symbols(byte[] word, int n) {
            piece = new int[n];
            length = new int[n];
            prev = new int[n];
            next = new int[n];
            for (int i = 0; i < n; i++) {
                piece[i] = pieceOfByte[word[i] & 0xFF];
                length[i] = 1;
                prev[i] = i - 1;
                next[i] = i + 1 < n ? i + 1 : -1;
            }
        }

        /** Merges symbol {@code left} with the one after it into {@code merged}. */
        void merge(int left, int merged) {
            int right = next[left];
            piece[left] = merged;
            length[left] += length[right];
            length[right] = 0;
            next[left] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = left;
            }
        }
    }

    /** A min-heap of (rank << 32 | left symbol): lowest rank first, then leftmost. */
    private static final class RankQueue {
        private long[] heap;
        private int size;

        RankQueue(int capacity) {
            heap = new long[Math.max(capacity, 4)];
        }

        void offer(int left, long rankedMerge) {
            if (rankedMerge == ABSENT) {
                return;
            }
            if (size == heap.length) {
                heap = Arrays.copyOf(heap, size * 2);
            }
            long entry = (rankedMerge >>> 32) << 32 | left;
            int i = size++;
            while (i > 0 && heap[(i - 1) / 2] > entry) {
                heap[i] = heap[(i - 1) / 2];
                i = (i - 1) / 2;
            }
            heap[i] = entry;
        }

        boolean isEmpty() {
            return size == 0;
        }

        long poll() {
            long top = heap[0];
            long last = heap[--size];
            int i = 0;
            while (2 * i + 1 < size) {
                int child = 2 * i + 1;
                if (child + 1 < size && heap[child + 1] < heap[child]) {
                    child++;
                }
                if (heap[child] >= last) {
                    break;
                }
                heap[i] = heap[child];
                i = child;
            }
            heap[i] = last;
            return top;
        }
    }
}
