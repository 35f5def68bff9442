package dev.hearth.model.constrain;

/**
 * The inside of a JSON string, byte by byte: escapes, and UTF-8 that is valid (no overlong forms,
 * no surrogates, nothing above U+10FFFF) even when a token ends in the middle of a character and
 * the next one completes it. A pure function of a small state number, so that
 * {@link StringBodyTable} can run it over the whole vocabulary once and reuse the result.
 *
 * <p>Two rules go beyond JSON's grammar. A {@code \\u} escape may not name a surrogate
 * ({@code \\uD800}–{@code \\uDFFF}): characters outside the BMP are written as raw UTF-8, so a
 * string is always well-formed and each escape is one character for {@code minLength}/
 * {@code maxLength}. Keys that are free-form ({@code additionalProperties}) may not use
 * {@code \\u} or {@code \\/}, so a key that spells a declared property name differently is
 * impossible.
 */
final class StringLexer {
    /** The byte cannot come here. */
    static final int DEAD = -1;
    /** The byte is the closing quote. */
    static final int CLOSE = -2;

    static final int IN = 0;        // between characters
    static final int ESCAPE = 1;    // after a backslash
    static final int HEX0 = 2;      // after \\u
    static final int HEX1 = 3;      // after \\u and one hex digit (not d)
    static final int HEX1_D = 4;    // after \\ud
    static final int HEX2 = 5;
    static final int HEX3 = 6;
    static final int CONT1 = 7;     // one continuation byte to come
    static final int CONT2 = 8;     // two to come
    static final int CONT2_E0 = 9;  // two to come, the first A0–BF (no overlong forms)
    static final int CONT2_ED = 10; // two to come, the first 80–9F (no surrogates)
    static final int CONT3 = 11;
    static final int CONT3_F0 = 12; // three to come, the first 90–BF (no overlong forms)
    static final int CONT3_F4 = 13; // three to come, the first 80–8F (nothing above U+10FFFF)
    /** The number of states. */
    static final int STATES = 14;

    private StringLexer() {}

    /**
     * The state after byte {@code b}, or {@link #DEAD} or {@link #CLOSE}.
     *
     * @param key whether this is a free-form key (no {@code \\u}, no {@code \\/})
     */
    static int step(int state, int b, boolean key) {
        return switch (state) {
            case IN -> inside(b);
            case ESCAPE -> switch (b) {
                case '"', '\\', 'b', 'f', 'n', 'r', 't' -> IN;
                case '/' -> key ? DEAD : IN;
                case 'u' -> key ? DEAD : HEX0;
                default -> DEAD;
            };
            case HEX0 -> !isHex(b) ? DEAD : b == 'd' || b == 'D' ? HEX1_D : HEX1;
            case HEX1_D -> b >= '0' && b <= '7' ? HEX2 : DEAD;
            case HEX1 -> isHex(b) ? HEX2 : DEAD;
            case HEX2 -> isHex(b) ? HEX3 : DEAD;
            case HEX3 -> isHex(b) ? IN : DEAD;
            case CONT1 -> continuation(b, 0x80, 0xBF, IN);
            case CONT2 -> continuation(b, 0x80, 0xBF, CONT1);
            case CONT2_E0 -> continuation(b, 0xA0, 0xBF, CONT1);
            case CONT2_ED -> continuation(b, 0x80, 0x9F, CONT1);
            case CONT3 -> continuation(b, 0x80, 0xBF, CONT2);
            case CONT3_F0 -> continuation(b, 0x90, 0xBF, CONT2);
            case CONT3_F4 -> continuation(b, 0x80, 0x8F, CONT2);
            default -> throw new IllegalArgumentException("no string lexer state " + state);
        };
    }

    /** Whether byte {@code b}, accepted in {@code state}, begins a character (for length limits). */
    static boolean startsCharacter(int state, int b) {
        return state == IN && b != '"';
    }

    private static int inside(int b) {
        if (b == '"') {
            return CLOSE;
        }
        if (b == '\\') {
            return ESCAPE;
        }
        if (b < 0x20) {
            return DEAD; // raw control characters must be escaped
        }
        if (b < 0x80) {
            return IN;
        }
        if (b < 0xC2) {
            return DEAD; // a stray continuation byte, or an overlong two-byte lead
        }
        if (b < 0xE0) {
            return CONT1;
        }
        if (b < 0xF0) {
            return b == 0xE0 ? CONT2_E0 : b == 0xED ? CONT2_ED : CONT2;
        }
        if (b < 0xF4) {
            return b == 0xF0 ? CONT3_F0 : CONT3;
        }
        return b == 0xF4 ? CONT3_F4 : DEAD; // also END
    }

    private static int continuation(int b, int low, int high, int next) {
        return b >= low && b <= high ? next : DEAD;
    }

    private static boolean isHex(int b) {
        return b >= '0' && b <= '9' || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F';
    }
}
