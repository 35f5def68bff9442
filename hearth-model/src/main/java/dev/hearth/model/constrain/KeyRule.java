package dev.hearth.model.constrain;

/**
 * A declared property name, after its opening quote: the bytes must follow the object's trie of
 * names (each stored JSON-escaped with its closing quote) towards a property the object allows
 * next. Ends at the closing quote, with the property's index as result. State: bits 0–31 the trie
 * node, bits 32–47 the lowest and bits 48–63 the highest index allowed.
 */
final class KeyRule extends Rule {
    private final ByteTrie names;

    KeyRule(ByteTrie names) {
        this.names = names;
        this.productive = true;
    }

    /** The state at the start of a name, allowing the properties {@code low}..{@code high}. */
    static long initial(int low, int high) {
        return (long) low << 32 | (long) high << 48;
    }

    @Override
    void start(Frame parent, int b, Threads out) {
        throw new IllegalStateException("a key is entered by its object");
    }

    @Override
    void feed(Frame parent, long state, int b, Threads out) {
        int low = (int) (state >>> 32 & 0xFFFF);
        int high = (int) (state >>> 48 & 0xFFFF);
        int child = names.child((int) state, b);
        if (child < 0 || !names.leadsTo(child, low, high)) {
            return;
        }
        int property = names.value(child);
        if (property >= 0) { // names end with their quote, so nothing continues them
            finish(parent, property, -1, out);
        } else {
            out.add(parent, this, state & ~0xFFFF_FFFFL | child);
        }
    }

    @Override
    boolean updateProductive() {
        return false; // productive from the start
    }
}
