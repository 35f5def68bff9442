package dev.hearth.model.tokenizer;

/**
 * Token text → id, an open-addressing table of the texts and plain int ids: no boxed id or map
 * entry per token (a vocabulary has 150k), and lookups by a part of a string or by two parts
 * joined, so that parsing 150k merges ({@code "left right"}) builds no substring to look up.
 * The hash is {@link String#hashCode()}'s, computed over the part. Built once, then read-only.
 */
final class TokenIds {
    static final int ABSENT = -1;

    private final String[] keys;
    private final int[] ids;
    private final int mask;

    /** Room for {@code count} texts at most half full. */
    TokenIds(int count) {
        int capacity = Integer.highestOneBit(Math.max(4, count) * 2 - 1) << 1;
        keys = new String[capacity];
        ids = new int[capacity];
        mask = capacity - 1;
    }

    /** Maps {@code text} to {@code id} unless it is already mapped: the first occurrence wins. */
    void putIfAbsent(String text, int id) {
        int slot = slot(text.hashCode());
        while (keys[slot] != null) {
            if (keys[slot].equals(text)) {
                return;
            }
            slot = (slot + 1) & mask;
        }
        keys[slot] = text;
        ids[slot] = id;
    }

    /** The id of {@code text}, or {@link #ABSENT}: with the hash the string keeps. */
    int get(String text) {
        int length = text.length();
        return find(text.hashCode(), text, 0, length, length, length);
    }

    /**
     * The id of the text {@code s[from1, to1)} followed by {@code s[from2, to2)} (an empty second
     * part for one part), or {@link #ABSENT}.
     */
    int get(String s, int from1, int to1, int from2, int to2) {
        int h = 0;
        for (int i = from1; i < to1; i++) {
            h = 31 * h + s.charAt(i);
        }
        for (int i = from2; i < to2; i++) {
            h = 31 * h + s.charAt(i);
        }
        return find(h, s, from1, to1, from2, to2);
    }

    /** The id of the two parts joined, whose {@link String#hashCode()} is {@code h}. */
    private int find(int h, String s, int from1, int to1, int from2, int to2) {
        int first = to1 - from1;
        int length = first + to2 - from2;
        for (int slot = slot(h); keys[slot] != null; slot = (slot + 1) & mask) {
            String key = keys[slot];
            if (key.length() == length && key.regionMatches(0, s, from1, first)
                    && key.regionMatches(first, s, from2, to2 - from2)) {
                return ids[slot];
            }
        }
        return ABSENT;
    }

    private int slot(int hash) {
        return (hash ^ (hash >>> 16)) & mask;
    }
}
