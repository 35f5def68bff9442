package dev.hearth.model.constrain;

import java.util.List;

/**
 * A JSON array: the {@code prefixItems} in order, then items of the {@code items} schema, between
 * {@code minItems} and {@code maxItems} of them. State: the {@link Container} layout with the
 * number of items so far as payload.
 */
final class ArrayRule extends Container {
    private static final int AFTER_OPEN = 1;
    private static final int IN_VALUE = 2;
    private static final int AFTER_VALUE = 3;
    private static final int AFTER_COMMA = 4;

    private final Rule[] prefix;
    private Rule rest;
    private final long minItems;
    private long maxItems;

    /**
     * @param rest the schema of the items after the prefix, or null when there are none
     * @param maxItems {@link Long#MAX_VALUE} for no limit
     */
    ArrayRule(List<Rule> prefix, Rule rest, long minItems, long maxItems) {
        this.prefix = prefix.toArray(Rule[]::new);
        this.rest = rest;
        this.minItems = minItems;
        this.maxItems = maxItems;
    }

    /** The schema of item {@code index}, or null when the array may not have that many. */
    private Rule item(long index) {
        if (index >= maxItems) {
            return null;
        }
        return index < prefix.length ? prefix[(int) index] : rest;
    }

    @Override
    void start(Frame parent, int b, Threads out) {
        if (b == '[') {
            out.add(parent, this, state(AFTER_OPEN, 0));
        }
    }

    @Override
    void feed(Frame parent, long state, int b, Threads out) {
        if (whitespace(parent, state, b, out)) {
            return;
        }
        long count = payload(state);
        switch (phase(state)) {
            case AFTER_OPEN, AFTER_COMMA -> {
                if (b == ']' && phase(state) == AFTER_OPEN && minItems == 0) {
                    finish(parent, 0, -1, out);
                } else if (item(count) != null) {
                    startNested(item(count), parent, state(IN_VALUE, count), b, out);
                }
            }
            case AFTER_VALUE -> {
                if (b == ',' && item(count) != null) {
                    out.add(parent, this, state(AFTER_COMMA, count));
                } else if (b == ']' && count >= minItems) {
                    finish(parent, 0, -1, out);
                }
            }
            default -> throw new IllegalStateException("array phase " + phase(state));
        }
    }

    @Override
    long resume(long state, int result) {
        return state(AFTER_VALUE, payload(state) + 1);
    }

    @Override
    boolean updateProductive() {
        if (productive) {
            return false;
        }
        for (long i = 0; i < minItems; i++) {
            Rule item = item(i);
            if (item == null || !item.productive) {
                return false;
            }
            if (i >= prefix.length) {
                break; // the rest are all alike
            }
        }
        productive = true;
        return true;
    }

    /** Stops the array before the first item that could never end. */
    @Override
    void prune() {
        for (int i = 0; i < prefix.length; i++) {
            if (!prefix[i].productive) {
                maxItems = Math.min(maxItems, i);
                break;
            }
        }
        if (rest != null && !rest.productive) {
            rest = null;
        }
    }
}
