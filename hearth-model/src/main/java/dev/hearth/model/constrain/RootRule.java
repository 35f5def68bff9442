package dev.hearth.model.constrain;

/**
 * The whole output: optional leading whitespace, then one value. It is whole once the value has
 * ended. Objects, arrays, strings and literals that no byte can extend end with their last byte;
 * a number (or a literal another one extends, such as {@code 1} beside {@code 12}) ends only when
 * something follows it, which at the top level is one whitespace byte or the end of the text
 * ({@link Rule#END}, i.e. an end-of-generation token).
 */
final class RootRule extends Container {
    static final int BEFORE = 0;
    static final int AFTER = 1;

    private final Rule value;

    RootRule(Rule value) {
        this.value = value;
    }

    /** The state the output starts in. */
    static long initial() {
        return state(BEFORE, 0);
    }

    /** Whether a thread at this rule in {@code state} has read a whole value. */
    static boolean isAfter(long state) {
        return phase(state) == AFTER;
    }

    @Override
    void start(Frame parent, int b, Threads out) {
        throw new IllegalStateException("the root is never nested");
    }

    @Override
    void feed(Frame parent, long state, int b, Threads out) {
        if (phase(state) == AFTER) {
            if (b == END || isWhitespace(b)) {
                out.add(parent, this, state(AFTER, 0));
            }
        } else if (!whitespace(parent, state, b, out)) {
            startNested(value, parent, state(AFTER, 0), b, out);
        }
    }

    @Override
    long resume(long state, int result) {
        return state(AFTER, 0);
    }

    @Override
    boolean updateProductive() {
        boolean was = productive;
        productive = value.productive;
        return productive != was;
    }
}
