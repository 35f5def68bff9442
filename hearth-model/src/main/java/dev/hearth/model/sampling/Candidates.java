package dev.hearth.model.sampling;

import java.util.Arrays;
import java.util.Objects;

/**
 * The tokens a {@link Sampler} chooses among: token ids with their logits and, once computed,
 * their probabilities. Samplers reorder, reweigh and truncate the set in place; a selecting
 * sampler finally marks one entry as the chosen token.
 *
 * <p>One instance per sequence, sized to the vocabulary and {@linkplain #fill refilled} before
 * every token, so sampling allocates nothing per token. Not thread-safe.
 *
 * <p>Logits must not be NaN or +∞; a logit of -∞ marks a token that can never be chosen (unless
 * every candidate is -∞, when they count as equally likely).
 */
public final class Candidates {
    private int[] tokens;
    private float[] logits;
    private float[] probabilities;
    // Reordering gathers into these, then copies back; kept to avoid allocating per token.
    private final int[] spareTokens;
    private final float[] spareLogits;
    private final float[] spareProbabilities;
    // Ordering keys for partial selection: descending logit in the high half, position in the low.
    private final long[] sortKeys;

    private int size;
    // The first sortedPrefix entries are the highest logits of the set, in descending order.
    private int sortedPrefix;
    private boolean hasProbabilities;
    private int selected = -1;

    /** An empty set able to hold every token of a vocabulary of the given size. */
    public Candidates(int vocabularySize) {
        if (vocabularySize <= 0) {
            throw new IllegalArgumentException("vocabulary size must be > 0, got " + vocabularySize);
        }
        tokens = new int[vocabularySize];
        logits = new float[vocabularySize];
        probabilities = new float[vocabularySize];
        spareTokens = new int[vocabularySize];
        spareLogits = new float[vocabularySize];
        spareProbabilities = new float[vocabularySize];
        sortKeys = new long[vocabularySize];
    }

    /** A set holding tokens {@code 0 .. logits.length - 1} with the given logits. */
    public static Candidates of(float... logits) {
        Candidates candidates = new Candidates(logits.length);
        candidates.fill(logits);
        return candidates;
    }

    /** Replaces the set with tokens {@code 0 .. logits.length - 1}, unsorted and unselected. */
    public void fill(float[] vocabularyLogits) {
        if (vocabularyLogits.length > tokens.length) {
            throw new IllegalArgumentException(
                    vocabularyLogits.length + " logits do not fit a vocabulary of " + tokens.length);
        }
        size = vocabularyLogits.length;
        for (int i = 0; i < size; i++) {
            tokens[i] = i;
        }
        System.arraycopy(vocabularyLogits, 0, logits, 0, size);
        sortedPrefix = 0;
        hasProbabilities = false;
        selected = -1;
    }

    public int size() {
        return size;
    }

    public int token(int index) {
        return tokens[Objects.checkIndex(index, size)];
    }

    public float logit(int index) {
        return logits[Objects.checkIndex(index, size)];
    }

    /** Whether the set is ordered by descending logit (ties in their earlier order). */
    public boolean isSorted() {
        return sortedPrefix >= size;
    }

    /** Whether {@link #probability} is current: computed since the logits or the set last changed. */
    public boolean hasProbabilities() {
        return hasProbabilities;
    }

    /**
     * The softmax probability of an entry over the current set.
     *
     * @throws IllegalStateException unless {@link #computeProbabilities} ran since the last change
     */
    public float probability(int index) {
        Objects.checkIndex(index, size);
        if (!hasProbabilities) {
            throw new IllegalStateException("probabilities are stale: call computeProbabilities() first");
        }
        return probabilities[index];
    }

    /** The highest logit in the set. */
    public float maxLogit() {
        if (sortedPrefix > 0) {
            return logits[0];
        }
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < size; i++) {
            max = Math.max(max, logits[i]);
        }
        return max;
    }

    /** Changes one logit; the set is no longer known to be sorted and its probabilities are stale. */
    public void setLogit(int index, float logit) {
        logits[Objects.checkIndex(index, size)] = logit;
        sortedPrefix = 0;
        hasProbabilities = false;
        selected = -1;
    }

    /** Divides every logit by a positive divisor; the order is kept, so a sorted set stays sorted. */
    public void divideLogits(float divisor) {
        if (!(divisor > 0 && divisor < Float.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("divisor must be positive and finite, got " + divisor);
        }
        for (int i = 0; i < size; i++) {
            logits[i] /= divisor;
        }
        hasProbabilities = false;
        selected = -1;
    }

    /**
     * Computes the softmax of the logits over the current set. Uses {@link StrictMath#exp}, which
     * gives the same bits on every machine, so that a seeded draw picks the same tokens everywhere.
     */
    public void computeProbabilities() {
        if (size == 0) {
            throw new IllegalStateException("no candidates");
        }
        float max = maxLogit();
        if (max == Float.NEGATIVE_INFINITY) { // every token is impossible: treat them alike
            Arrays.fill(probabilities, 0, size, 1.0f / size);
        } else {
            double sum = 0;
            for (int i = 0; i < size; i++) {
                probabilities[i] = (float) StrictMath.exp(logits[i] - max);
                sum += probabilities[i];
            }
            for (int i = 0; i < size; i++) {
                probabilities[i] = (float) (probabilities[i] / sum);
            }
        }
        hasProbabilities = true;
    }

    /**
     * Moves the {@code count} highest logits to the front in descending order; the rest follow.
     * Both parts keep the earlier order among equal logits, so a freshly filled set breaks ties
     * by token id. Selects before sorting, so the top 40 of 150,000 cost two linear passes and a
     * sort of 40. Probabilities, if current, move with their tokens.
     */
    public void sortDescending(int count) {
        int want = Math.min(count, size);
        if (want <= sortedPrefix) {
            return;
        }
        // The prefix already holds the highest entries, so only the rest needs ordering.
        int from = sortedPrefix;
        int n = size - from;
        for (int i = 0; i < n; i++) {
            sortKeys[i] = orderKey(logits[from + i], i);
        }
        int k = want - from;
        if (k < n) {
            selectSmallest(sortKeys, n, k);
        }
        Arrays.sort(sortKeys, 0, k);
        for (int i = 0; i < k; i++) {
            moveToSpare(from + (int) sortKeys[i], i);
        }
        // The rest keep their relative order, so that ties stay in order when the sort widens later.
        long lastKept = sortKeys[k - 1];
        int next = k;
        for (int i = 0; i < n; i++) {
            if (orderKey(logits[from + i], i) > lastKept) {
                moveToSpare(from + i, next++);
            }
        }
        System.arraycopy(spareTokens, 0, tokens, from, n);
        System.arraycopy(spareLogits, 0, logits, from, n);
        if (hasProbabilities) {
            System.arraycopy(spareProbabilities, 0, probabilities, from, n);
        }
        sortedPrefix = want;
        selected = -1;
    }

    private void moveToSpare(int source, int target) {
        spareTokens[target] = tokens[source];
        spareLogits[target] = logits[source];
        spareProbabilities[target] = probabilities[source];
    }

    /** Keeps only the first {@code newSize} entries; probabilities become stale. */
    public void truncate(int newSize) {
        if (newSize < 1 || newSize > size) {
            throw new IllegalArgumentException("can keep 1 to " + size + " candidates, not " + newSize);
        }
        size = newSize;
        sortedPrefix = Math.min(sortedPrefix, newSize);
        hasProbabilities = false;
        selected = -1;
    }

    /**
     * Drops the entries whose logit is below {@code minLogit}, keeping the order of the rest (so
     * a sorted set stays sorted); probabilities become stale.
     *
     * @throws IllegalArgumentException if that would drop every entry
     */
    public void removeLogitsBelow(float minLogit) {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (logits[i] >= minLogit) {
                tokens[kept] = tokens[i];
                logits[kept] = logits[i];
                kept++;
            }
        }
        if (kept == 0) {
            throw new IllegalArgumentException("every logit is below " + minLogit);
        }
        sortedPrefix = Math.min(sortedPrefix, kept);
        size = kept;
        hasProbabilities = false;
        selected = -1;
    }

    /** Marks the entry at {@code index} as the chosen token. */
    public void select(int index) {
        selected = Objects.checkIndex(index, size);
    }

    /** The index of the chosen entry, or -1 while none is chosen. */
    public int selectedIndex() {
        return selected;
    }

    /**
     * The chosen token.
     *
     * @throws IllegalStateException if no token has been selected since the set last changed
     */
    public int selectedToken() {
        if (selected < 0) {
            throw new IllegalStateException("no token selected");
        }
        return tokens[selected];
    }

    void clearSelection() {
        selected = -1;
    }

    /** A key whose ascending order is descending logit, then ascending position. */
    private static long orderKey(float logit, int position) {
        int bits = Float.floatToRawIntBits(logit);
        int ascending = bits ^ ((bits >> 31) & 0x7fffffff); // as a signed int, ordered like the float
        return ((long) ~ascending << 32) | position;
    }

    /** Rearranges {@code a[0 .. n)} so that its {@code k} smallest values come first, in any order. */
    static void selectSmallest(long[] a, int n, int k) {
        int lo = 0;
        int hi = n - 1;
        int target = k - 1; // the k-th smallest must end up at this index
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            long pivot = medianOfThree(a[lo], a[mid], a[hi]);
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    long t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                    i++;
                    j--;
                }
            }
            // now a[lo .. j] <= pivot <= a[i .. hi], and anything between equals the pivot
            if (target <= j) {
                hi = j;
            } else if (target >= i) {
                lo = i;
            } else {
                return;
            }
        }
    }

    private static long medianOfThree(long a, long b, long c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }
}
