package dev.hearth.model.tokenizer;

/**
 * The coarse Unicode classes llama.cpp's pre-tokenizers work with: one per general-category
 * family (its {@code unicode_cpt_flags}), plus the White_Space property on the side.
 *
 * <p>Categories come from the JDK's Unicode tables, which may be a newer Unicode version than
 * llama.cpp's generated table; they differ only for recently assigned code points.
 */
enum CodepointCategory {
    NUMBER,
    LETTER,
    SEPARATOR,
    ACCENT_MARK,
    PUNCTUATION,
    SYMBOL,
    CONTROL,
    /** Unassigned code points. */
    UNDEFINED;

    static CodepointCategory of(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER, Character.OTHER_LETTER -> LETTER;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> NUMBER;
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK ->
                    ACCENT_MARK;
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                    Character.FINAL_QUOTE_PUNCTUATION, Character.OTHER_PUNCTUATION -> PUNCTUATION;
            case Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL,
                    Character.OTHER_SYMBOL -> SYMBOL;
            case Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> SEPARATOR;
            case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE -> CONTROL;
            default -> UNDEFINED;
        };
    }

    static boolean isLetter(int codePoint) {
        return of(codePoint) == LETTER;
    }

    static boolean isNumber(int codePoint) {
        return of(codePoint) == NUMBER;
    }

    /**
     * Unicode's White_Space property, which is llama.cpp's notion of whitespace. Unlike
     * {@link Character#isWhitespace} it includes NBSP (U+00A0) and NEL (U+0085) and excludes the
     * information separators U+001C..U+001F.
     */
    static boolean isWhitespace(int codePoint) {
        return switch (codePoint) {
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F,
                    0x3000 -> true;
            default -> codePoint >= 0x2000 && codePoint <= 0x200A;
        };
    }
}
