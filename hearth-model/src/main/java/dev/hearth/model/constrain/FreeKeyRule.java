package dev.hearth.model.constrain;

/**
 * A property name that {@code additionalProperties} allows, after its opening quote: any string
 * (without {@code \\u} or {@code \\/} escapes, see {@link StringLexer}) except a declared name,
 * which must go through {@link KeyRule} so that its value follows its own schema. Ends at the
 * closing quote with result {@link ObjectRule#ADDITIONAL}. State: bits 0–7 the lexer state, bits
 * 8 and up one more than the node of the declared-names trie the bytes have followed (0 once they
 * left it).
 */
final class FreeKeyRule extends Rule {
    private final ByteTrie declared;

    FreeKeyRule(ByteTrie declared) {
        this.declared = declared;
        this.productive = true;
    }

    /** The state after the opening quote. */
    static long initial() {
        return StringLexer.IN | 1L << 8;
    }

    @Override
    void start(Frame parent, int b, Threads out) {
        throw new IllegalStateException("a key is entered by its object");
    }

    @Override
    void feed(Frame parent, long state, int b, Threads out) {
        int next = StringLexer.step((int) (state & 0xFF), b, true);
        if (next == StringLexer.DEAD) {
            return;
        }
        int node = (int) (state >>> 8) - 1;
        node = node < 0 ? -1 : declared.child(node, b);
        if (next == StringLexer.CLOSE) {
            if (node < 0 || declared.value(node) < 0) {
                finish(parent, ObjectRule.ADDITIONAL, -1, out);
            }
        } else {
            out.add(parent, this, next | (long) (node + 1) << 8);
        }
    }

    @Override
    int bodyTable(long state) {
        return StringLexer.STATES + (int) (state & 0xFF);
    }

    @Override
    boolean updateProductive() {
        return false; // productive from the start
    }
}
