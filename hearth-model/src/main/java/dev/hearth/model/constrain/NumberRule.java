package dev.hearth.model.constrain;

/**
 * A JSON number ({@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}), or an integer (no
 * fraction, no exponent). Bounds ({@code minimum} and the like) are not enforced. The digits of
 * each part are capped ({@link #MAX_DIGITS}, {@link #MAX_EXPONENT_DIGITS}) so that a model cannot
 * write digits forever. A number ends when a byte that cannot continue it arrives; that byte
 * belongs to the container. State: bits 0–3 the phase, bits 8 and up the digits of the current part.
 */
final class NumberRule extends Rule {
    static final int MAX_DIGITS = 20;
    static final int MAX_EXPONENT_DIGITS = 3;

    private static final int MINUS = 1;
    private static final int ZERO = 2;     // a whole "0" integer part
    private static final int INTEGER = 3;  // in the integer part
    private static final int POINT = 4;    // after the decimal point
    private static final int FRACTION = 5;
    private static final int E = 6;        // after e or E
    private static final int SIGN = 7;     // after the exponent's sign
    private static final int EXPONENT = 8;

    private final boolean integer;

    NumberRule(boolean integer) {
        this.integer = integer;
        this.productive = true;
    }

    @Override
    void start(Frame parent, int b, Threads out) {
        if (b == '-') {
            out.add(parent, this, MINUS);
        } else if (b == '0') {
            out.add(parent, this, ZERO);
        } else if (b >= '1' && b <= '9') {
            out.add(parent, this, digits(INTEGER, 1));
        }
    }

    @Override
    void feed(Frame parent, long state, int b, Threads out) {
        int phase = (int) (state & 0xF);
        int digits = (int) (state >>> 8);
        boolean digit = b >= '0' && b <= '9';
        switch (phase) {
            case MINUS -> {
                if (b == '0') {
                    out.add(parent, this, ZERO);
                } else if (digit) {
                    out.add(parent, this, digits(INTEGER, 1));
                }
            }
            case ZERO, INTEGER -> {
                if (phase == INTEGER && digit && digits < MAX_DIGITS) {
                    out.add(parent, this, digits(INTEGER, digits + 1));
                } else if (!integer && b == '.') {
                    out.add(parent, this, POINT);
                } else if (!integer && (b == 'e' || b == 'E')) {
                    out.add(parent, this, E);
                } else {
                    finish(parent, 0, b, out);
                }
            }
            case POINT -> {
                if (digit) {
                    out.add(parent, this, digits(FRACTION, 1));
                }
            }
            case FRACTION -> {
                if (digit && digits < MAX_DIGITS) {
                    out.add(parent, this, digits(FRACTION, digits + 1));
                } else if (b == 'e' || b == 'E') {
                    out.add(parent, this, E);
                } else {
                    finish(parent, 0, b, out);
                }
            }
            case E -> {
                if (b == '+' || b == '-') {
                    out.add(parent, this, SIGN);
                } else if (digit) {
                    out.add(parent, this, digits(EXPONENT, 1));
                }
            }
            case SIGN -> {
                if (digit) {
                    out.add(parent, this, digits(EXPONENT, 1));
                }
            }
            case EXPONENT -> {
                if (digit && digits < MAX_EXPONENT_DIGITS) {
                    out.add(parent, this, digits(EXPONENT, digits + 1));
                } else {
                    finish(parent, 0, b, out);
                }
            }
            default -> throw new IllegalStateException("number phase " + phase);
        }
    }

    private static long digits(int phase, int digits) {
        return phase | (long) digits << 8;
    }

    @Override
    boolean updateProductive() {
        return false; // a leaf: productive from the start
    }
}
