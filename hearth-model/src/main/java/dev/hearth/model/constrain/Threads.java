package dev.hearth.model.constrain;

/**
 * A set of matcher threads: the ways the output so far can be read under the grammar. Usually
 * one; {@code anyOf} branches that start alike (two object schemas, say) and an object's declared
 * and free-form keys run side by side until the bytes tell them apart.
 *
 * <p>A thread is a stack: its top is a rule and that rule's state (a {@code long} only the rule
 * interprets), the rest an immutable chain of {@link Frame}s. The three parts live in parallel
 * arrays so that stepping a byte inside a string or number allocates nothing. Exact duplicates are
 * dropped; past {@link #MAX} threads, further ones are dropped too, which narrows the output (the
 * kept threads still reach a whole value) but never lets an invalid one through.
 */
final class Threads {
    /** Enough for nested {@code anyOf}s of look-alike objects; real schemas use one or two. */
    static final int MAX = 64;

    private final Frame[] parents = new Frame[MAX];
    private final Rule[] rules = new Rule[MAX];
    private final long[] states = new long[MAX];
    private int size;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    Frame parent(int i) {
        return parents[i];
    }

    Rule rule(int i) {
        return rules[i];
    }

    long state(int i) {
        return states[i];
    }

    void clear() {
        size = 0;
    }

    void add(Frame parent, Rule rule, long state) {
        for (int i = 0; i < size; i++) {
            if (rules[i] == rule && states[i] == state && parents[i] == parent) {
                return;
            }
        }
        if (size < MAX) {
            parents[size] = parent;
            rules[size] = rule;
            states[size] = state;
            size++;
        }
    }

    /** Adds thread {@code i} of {@code other}. */
    void addFrom(Threads other, int i) {
        add(other.parents[i], other.rules[i], other.states[i]);
    }

    /** Feeds byte {@code b} (or {@link Rule#END}) to every thread, adding the survivors to {@code out}. */
    void feed(int b, Threads out) {
        for (int i = 0; i < size; i++) {
            rules[i].feed(parents[i], states[i], b, out);
        }
    }

    /** Makes this set a copy of {@code other}. */
    void copyFrom(Threads other) {
        System.arraycopy(other.parents, 0, parents, 0, other.size);
        System.arraycopy(other.rules, 0, rules, 0, other.size);
        System.arraycopy(other.states, 0, states, 0, other.size);
        size = other.size;
    }
}
