package dev.hearth.model.constrain;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A JSON object. Declared properties come in the schema's order (as llama.cpp's schema grammars
 * do): each required one must appear, optional ones may be skipped, none repeats. Then, when
 * {@code additionalProperties} allows it and every required property has appeared, any number of
 * further properties with free-form names. Keeping the order makes the automaton small and
 * deterministic, and a model writes a schema's properties in order anyway.
 *
 * <p>State: the {@link Container} layout, with payload bit 0 set once the free-form properties
 * have begun and payload bits 1 and up one more than the index of the last declared property
 * (0 before any).
 */
final class ObjectRule extends Container {
    /** The result with which a {@link FreeKeyRule} ends. */
    static final int ADDITIONAL = -1;

    /** The most declared properties an object may have (a {@link KeyRule} state holds an index in 16 bits). */
    static final int MAX_PROPERTIES = 0xFFFF;

    private static final int AFTER_OPEN = 1;
    private static final int IN_KEY = 2;
    private static final int AFTER_KEY = 3;
    private static final int AFTER_COLON = 4;
    private static final int IN_VALUE = 5;
    private static final int AFTER_VALUE = 6;
    private static final int AFTER_COMMA = 7;

    /** A declared property, before pruning. */
    record Property(String name, Rule value, boolean required) {}

    private final List<Property> declared;
    private Rule additional;
    // settled by prune():
    private Rule[] values;
    private int lastRequired;   // index of the last required property, -1 if none
    private int[] nextRequired; // [last + 1] -> index of the first required property after last, or the last index
    private KeyRule keys;
    private FreeKeyRule freeKeys;

    /** @param additional the schema of further properties, or null when none are allowed */
    ObjectRule(List<Property> declared, Rule additional) {
        this.declared = List.copyOf(declared);
        this.additional = additional;
    }

    @Override
    void start(Frame parent, int b, Threads out) {
        if (b == '{') {
            out.add(parent, this, state(AFTER_OPEN, 0));
        }
    }

    @Override
    void feed(Frame parent, long state, int b, Threads out) {
        if (whitespace(parent, state, b, out)) {
            return; // every phase a thread can be in allows whitespace
        }
        long payload = payload(state);
        boolean free = (payload & 1) != 0;
        int last = (int) (payload >>> 1) - 1;
        switch (phase(state)) {
            case AFTER_OPEN, AFTER_COMMA -> {
                if (b == '"') {
                    openKey(parent, payload, free, last, out);
                } else if (b == '}' && phase(state) == AFTER_OPEN && last >= lastRequired) {
                    finish(parent, 0, -1, out);
                }
            }
            case AFTER_KEY -> {
                if (b == ':') {
                    out.add(parent, this, state(AFTER_COLON, payload));
                }
            }
            case AFTER_COLON -> startNested(free ? additional : values[last], parent, state(IN_VALUE, payload), b, out);
            case AFTER_VALUE -> {
                if (b == ',' && (declaredMayFollow(free, last) || freeMayFollow(last))) {
                    out.add(parent, this, state(AFTER_COMMA, payload));
                } else if (b == '}' && last >= lastRequired) {
                    finish(parent, 0, -1, out);
                }
            }
            default -> throw new IllegalStateException("object phase " + phase(state));
        }
    }

    /** After a key's opening quote: a declared name, a free-form one, or either until they differ. */
    private void openKey(Frame parent, long payload, boolean free, int last, Threads out) {
        Frame suspended = new Frame(parent, this, state(IN_KEY, payload));
        if (declaredMayFollow(free, last)) {
            out.add(suspended, keys, KeyRule.initial(last + 1, nextRequired[last + 1]));
        }
        if (freeMayFollow(last)) {
            out.add(suspended, freeKeys, FreeKeyRule.initial());
        }
    }

    private boolean declaredMayFollow(boolean free, int last) {
        return !free && last + 1 < values.length;
    }

    private boolean freeMayFollow(int last) {
        return additional != null && last >= lastRequired;
    }

    @Override
    long resume(long state, int result) {
        long payload = payload(state);
        if (phase(state) == IN_VALUE) {
            return state(AFTER_VALUE, payload);
        }
        return state(AFTER_KEY, result == ADDITIONAL ? payload | 1 : (long) (result + 1) << 1);
    }

    @Override
    boolean updateProductive() {
        if (productive) {
            return false;
        }
        for (Property property : declared) {
            if (property.required() && !property.value().productive) {
                return false;
            }
        }
        productive = true;
        return true;
    }

    /** Drops optional properties that can never end, and builds the name tries. */
    @Override
    void prune() {
        List<Property> kept = new ArrayList<>();
        for (Property property : declared) {
            if (property.value().productive || property.required()) {
                kept.add(property);
            }
        }
        if (additional != null && !additional.productive) {
            additional = null;
        }
        values = kept.stream().map(Property::value).toArray(Rule[]::new);
        List<byte[]> names = new ArrayList<>();
        lastRequired = -1;
        for (int i = 0; i < kept.size(); i++) {
            names.add(quotedTail(kept.get(i).name()));
            if (kept.get(i).required()) {
                lastRequired = i;
            }
        }
        nextRequired = new int[kept.size() + 1];
        int next = kept.size() - 1;
        for (int i = kept.size() - 1; i >= 0; i--) {
            nextRequired[i + 1] = next; // after property i: up to the first required one beyond it
            if (kept.get(i).required()) {
                next = i;
            }
        }
        nextRequired[0] = next;
        ByteTrie trie = ByteTrie.of(names);
        keys = new KeyRule(trie);
        freeKeys = new FreeKeyRule(trie);
    }

    /** A name as JSON writes it after the opening quote: escaped, with the closing quote. */
    private static byte[] quotedTail(String name) {
        byte[] escaped = JsonStringEncoder.getInstance().quoteAsUTF8(name);
        byte[] tail = Arrays.copyOf(escaped, escaped.length + 1);
        tail[escaped.length] = '"';
        return tail;
    }
}
