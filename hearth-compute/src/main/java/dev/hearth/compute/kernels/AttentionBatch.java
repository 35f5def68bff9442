package dev.hearth.compute.kernels;

import dev.hearth.compute.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The sequences of one step's attention ({@link Kernels#attention(AttentionBatch, float[], int,
 * int, float, float[])}): for each, its tokens' rows in the step's query and output arrays, the
 * position of its first token, and its cache's key and value blocks. Filled and cleared again for
 * every layer of every step by one caller; it keeps its arrays, so refilling allocates nothing.
 */
public final class AttentionBatch {
    private int size;
    private int[] firsts = new int[8];
    private int[] counts = new int[8];
    private int[] starts = new int[8];
    private final List<List<Tensor>> keys = new ArrayList<>();
    private final List<List<Tensor>> values = new ArrayList<>();

    public void clear() {
        size = 0;
        keys.clear();
        values.clear();
    }

    /**
     * Adds a sequence: its {@code tokens} tokens are rows {@code first ..} of the step, at
     * positions {@code start ..} of the cache whose blocks are {@code keys} and {@code values}
     * (laid out as {@link Kernels#attention} says).
     */
    public void add(int first, int tokens, int start, List<Tensor> keys, List<Tensor> values) {
        if (first < 0 || tokens <= 0 || start < 0) {
            throw new IllegalArgumentException("a sequence of " + tokens + " tokens from row " + first
                    + " at position " + start);
        }
        if (size == firsts.length) {
            firsts = Arrays.copyOf(firsts, 2 * size);
            counts = Arrays.copyOf(counts, 2 * size);
            starts = Arrays.copyOf(starts, 2 * size);
        }
        firsts[size] = first;
        counts[size] = tokens;
        starts[size] = start;
        this.keys.add(keys);
        this.values.add(values);
        size++;
    }

    public int size() {
        return size;
    }

    /** Sequence {@code i}'s first row in the step's queries and outputs. */
    public int first(int i) {
        return firsts[index(i)];
    }

    /** Sequence {@code i}'s tokens in this step. */
    public int tokens(int i) {
        return counts[index(i)];
    }

    /** The position of sequence {@code i}'s first token in its cache. */
    public int start(int i) {
        return starts[index(i)];
    }

    public List<Tensor> keys(int i) {
        return keys.get(index(i));
    }

    public List<Tensor> values(int i) {
        return values.get(index(i));
    }

    private int index(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("sequence " + i + " of " + size);
        }
        return i;
    }
}
