package dev.hearth.model.constrain;

/**
 * A rule with punctuation and nested values: the root, objects and arrays. Their states share one
 * layout: bits 0–2 the phase (where in the punctuation the reader is), bits 3–7 the length of the
 * whitespace run so far, bits 16 and up a rule-specific payload (an item count, a property index).
 *
 * <p>Whitespace is allowed wherever JSON allows it, but at most {@link #MAX_WHITESPACE} bytes in a
 * row, so a model cannot spend its whole budget on blanks; that still fits pretty-printing a few
 * levels deep.
 */
abstract class Container extends Rule {
    /** The longest run of whitespace bytes accepted between two tokens of JSON. */
    static final int MAX_WHITESPACE = 24;

    private static final int WS_SHIFT = 3;
    private static final long WS_MASK = 31L << WS_SHIFT;
    static final int PAYLOAD_SHIFT = 16;

    static int phase(long state) {
        return (int) (state & 7);
    }

    static long payload(long state) {
        return state >>> PAYLOAD_SHIFT;
    }

    /** A state in {@code phase}, after no whitespace. */
    static long state(int phase, long payload) {
        return phase | payload << PAYLOAD_SHIFT;
    }

    /**
     * Handles {@code b} if it is whitespace: allowed (the run grows) until the run is
     * {@link #MAX_WHITESPACE} long. Returns whether {@code b} was whitespace.
     */
    final boolean whitespace(Frame parent, long state, int b, Threads out) {
        if (!isWhitespace(b)) {
            return false;
        }
        if ((state & WS_MASK) >>> WS_SHIFT < MAX_WHITESPACE) {
            out.add(parent, this, state + (1L << WS_SHIFT));
        }
        return true;
    }

    /** Starts {@code value} with byte {@code b}, this container suspended in {@code suspended}. */
    final void startNested(Rule value, Frame parent, long suspended, int b, Threads out) {
        value.start(new Frame(parent, this, suspended), b, out);
    }
}
