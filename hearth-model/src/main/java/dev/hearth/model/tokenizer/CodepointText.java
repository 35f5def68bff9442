package dev.hearth.model.tokenizer;

import java.util.Arrays;

/**
 * Text as code points, with the two views llama.cpp's regex splitting runs its patterns on.
 *
 * <p>Pre-tokenizers count in code points; a lone UTF-16 surrogate (which has no UTF-8 form) is
 * taken as U+FFFD, as llama.cpp takes invalid UTF-8. One instance per encode call; not thread-safe.
 */
final class CodepointText {
    /** Stand-ins for whole categories in {@link #collapsed()}, as in llama.cpp's unicode.cpp. */
    static final char OTHER = '\u00D0';
    static final char NUMBER = '\u00D1';
    static final char LETTER = '\u00D2';
    static final char PUNCTUATION = '\u00D3';
    static final char ACCENT_MARK = '\u00D4';
    static final char SYMBOL = '\u00D5';
    /** Non-ASCII whitespace becomes a vertical tab, which an ASCII {@code \s} matches. */
    static final char WHITESPACE = '\u000B';

    private final int[] codePoints;
    private String collapsed;
    private String wide;
    private int[] charStarts; // code point index → char index in wide, plus the end

    private CodepointText(int[] codePoints) {
        this.codePoints = codePoints;
    }

    static CodepointText of(String text) {
        int[] codePoints = text.codePoints().toArray();
        for (int i = 0; i < codePoints.length; i++) {
            if (codePoints[i] >= Character.MIN_SURROGATE && codePoints[i] <= Character.MAX_SURROGATE) {
                codePoints[i] = 0xFFFD;
            }
        }
        return new CodepointText(codePoints);
    }

    int length() {
        return codePoints.length;
    }

    int at(int index) {
        return codePoints[index];
    }

    /** The code points of {@code [from, to)} as a string. */
    String substring(int from, int to) {
        return new String(codePoints, from, to - from);
    }

    /**
     * One char per code point: ASCII as is, anything else replaced by the stand-in for its
     * category, so that ASCII-only regex classes can express {@code \p{L}}, {@code \p{N}}… Indices
     * in it are code point indices.
     */
    String collapsed() {
        if (collapsed == null) {
            char[] chars = new char[codePoints.length];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = collapse(codePoints[i]);
            }
            collapsed = new String(chars);
        }
        return collapsed;
    }

    private static char collapse(int codePoint) {
        if (codePoint < 0x80) {
            return (char) codePoint;
        }
        if (CodepointCategory.isWhitespace(codePoint)) {
            return WHITESPACE;
        }
        return switch (CodepointCategory.of(codePoint)) {
            case NUMBER -> NUMBER;
            case LETTER -> LETTER;
            case PUNCTUATION -> PUNCTUATION;
            case ACCENT_MARK -> ACCENT_MARK;
            case SYMBOL -> SYMBOL;
            default -> OTHER;
        };
    }

    /**
     * The text itself, except that non-ASCII whitespace becomes a vertical tab (a wide-character
     * regex's {@code \s} sees only ASCII whitespace). Map indices with {@link #charIndex} and
     * {@link #codePointIndex}.
     */
    String wide() {
        if (wide == null) {
            StringBuilder sb = new StringBuilder(codePoints.length);
            charStarts = new int[codePoints.length + 1];
            for (int i = 0; i < codePoints.length; i++) {
                charStarts[i] = sb.length();
                int cp = codePoints[i];
                sb.appendCodePoint(cp >= 0x80 && CodepointCategory.isWhitespace(cp) ? WHITESPACE : cp);
            }
            charStarts[codePoints.length] = sb.length();
            wide = sb.toString();
        }
        return wide;
    }

    int charIndex(int codePointIndex) {
        wide();
        return charStarts[codePointIndex];
    }

    int codePointIndex(int charIndex) {
        wide();
        int i = Arrays.binarySearch(charStarts, charIndex);
        return i >= 0 ? i : -i - 1; // inside a surrogate pair: the next code point
    }
}
