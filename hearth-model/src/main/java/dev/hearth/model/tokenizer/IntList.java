package dev.hearth.model.tokenizer;

import java.util.Arrays;

/** A growable array of ints, to collect token ids and piece offsets without boxing. Not thread-safe. */
final class IntList {
    private int[] values = new int[16];
    private int size;

    void add(int value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = value;
    }

    int size() {
        return size;
    }

    int get(int index) {
        return values[index];
    }

    /** The last value, or {@code otherwise} when empty. */
    int lastOr(int otherwise) {
        return size == 0 ? otherwise : values[size - 1];
    }

    int[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
