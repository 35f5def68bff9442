package dev.hearth.model.runtime;

import java.util.Arrays;
import java.util.Objects;

/**
 * One forward step over several sequences at once (continuous batching): each sequence brings
 * its next tokens (one when decoding, a chunk of its prompt when prefilling) and its
 * {@link KvCache}; {@link Model#forward(Batch, float[])} runs all of them through the weights
 * together, so each weight is read once per step, not once per sequence.
 *
 * <p>Reused from step to step: {@link #clear()}, then {@link #add} each sequence. Allocates nothing
 * once it has grown to the largest step.
 */
public final class Batch {
    private KvCache[] caches = new KvCache[8];
    private int[] firsts = new int[8];  // index in tokens of each sequence's first token
    private int[] counts = new int[8];
    private int[] tokens = new int[64];
    private int sequences;
    private int size;

    /** Empties the batch. */
    public void clear() {
        Arrays.fill(caches, 0, sequences, null);
        sequences = 0;
        size = 0;
    }

    /**
     * Adds a sequence's next tokens, {@code tokens[from .. from+count)}, to run at its cache's next
     * positions.
     *
     * @throws IllegalArgumentException if {@code count} is not positive, or the cache is already in
     *     the batch
     */
    public void add(KvCache cache, int[] tokens, int from, int count) {
        Objects.requireNonNull(cache, "cache");
        Objects.checkFromIndexSize(from, count, tokens.length);
        if (count <= 0) {
            throw new IllegalArgumentException("a sequence in a batch needs at least one token, got " + count);
        }
        for (int i = 0; i < sequences; i++) {
            if (caches[i] == cache) {
                throw new IllegalArgumentException("a sequence can appear once per batch");
            }
        }
        if (sequences == caches.length) {
            caches = Arrays.copyOf(caches, 2 * sequences);
            firsts = Arrays.copyOf(firsts, 2 * sequences);
            counts = Arrays.copyOf(counts, 2 * sequences);
        }
        if (size + count > this.tokens.length) {
            this.tokens = Arrays.copyOf(this.tokens, Math.max(size + count, 2 * this.tokens.length));
        }
        System.arraycopy(tokens, from, this.tokens, size, count);
        caches[sequences] = cache;
        firsts[sequences] = size;
        counts[sequences] = count;
        sequences++;
        size += count;
    }

    /** Sequences in the batch. */
    public int sequences() {
        return sequences;
    }

    /** Tokens in the batch, over all sequences. */
    public int size() {
        return size;
    }

    /** The {@code i}-th sequence's cache. */
    public KvCache cache(int i) {
        Objects.checkIndex(i, sequences);
        return caches[i];
    }

    /** Index, among the batch's tokens, of the {@code i}-th sequence's first token. */
    public int first(int i) {
        Objects.checkIndex(i, sequences);
        return firsts[i];
    }

    /** How many tokens the {@code i}-th sequence brings. */
    public int count(int i) {
        Objects.checkIndex(i, sequences);
        return counts[i];
    }

    /** The {@code t}-th token of the batch. */
    public int token(int t) {
        Objects.checkIndex(t, size);
        return tokens[t];
    }
}
