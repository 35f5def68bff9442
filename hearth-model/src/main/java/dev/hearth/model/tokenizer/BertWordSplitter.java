package dev.hearth.model.tokenizer;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;

/**
 * BERT's basic tokenizer as llama.cpp's WPM pre-processing runs it: optionally lower-cases and
 * strips accents, drops control characters, and cuts text into words at whitespace, with every
 * punctuation mark, ASCII symbol and CJK ideograph a word of its own.
 *
 * <p>Character classes follow llama.cpp's Unicode tables: whitespace is Unicode's White_Space
 * property (which, unlike {@link Character#isWhitespace}, includes no-break spaces), control is
 * category C except unassigned code points, accents are category M. Immutable and thread-safe.
 */
final class BertWordSplitter {
    private final boolean lowercase;
    private final boolean stripAccents;

    BertWordSplitter(boolean lowercase, boolean stripAccents) {
        this.lowercase = lowercase;
        this.stripAccents = stripAccents;
    }

    /** The words of {@code text}, none empty; whitespace-only text has none. */
    List<String> split(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < text.length(); ) {
            int original = text.codePointAt(i);
            i += Character.charCount(original);
            int cp = stripAccents ? decomposedBase(original) : original;
            if (isWhitespace(cp)) {
                finish(word, words);
                continue;
            }
            int type = Character.getType(cp);
            if (cp == 0 || cp == 0xFFFD || isControl(type) || (stripAccents && isMark(type))) {
                continue;
            }
            int shown = lowercase ? Character.toLowerCase(cp) : cp;
            if (isPunctuation(type) || (cp < 0x7F && isSymbol(type)) || isChineseCharacter(cp)) {
                finish(word, words);
                words.add(Character.toString(shown));
            } else {
                word.appendCodePoint(shown);
            }
        }
        finish(word, words);
        return words;
    }

    private static void finish(StringBuilder word, List<String> words) {
        if (!word.isEmpty()) {
            words.add(word.toString());
            word.setLength(0);
        }
    }

    /**
     * The first code point of {@code cp}'s canonical decomposition. llama.cpp replaces each code
     * point by this alone rather than by its whole decomposition: for accented letters that is the
     * same as NFD followed by removing the accents, but a Hangul syllable becomes only its leading
     * consonant. We follow llama.cpp.
     */
    private static int decomposedBase(int cp) {
        if (cp < 0xC0) {
            return cp; // nothing below À decomposes
        }
        String decomposed = Normalizer.normalize(Character.toString(cp), Normalizer.Form.NFD);
        return decomposed.codePointAt(0);
    }

    private static boolean isWhitespace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F
                || cp == 0x205F || cp == 0x3000;
    }

    private static boolean isControl(int type) {
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.PRIVATE_USE
                || type == Character.SURROGATE;
    }

    private static boolean isMark(int type) {
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }

    private static boolean isPunctuation(int type) {
        return switch (type) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                    Character.FINAL_QUOTE_PUNCTUATION, Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    private static boolean isSymbol(int type) {
        return type == Character.MATH_SYMBOL || type == Character.CURRENCY_SYMBOL
                || type == Character.MODIFIER_SYMBOL || type == Character.OTHER_SYMBOL;
    }

    // The CJK blocks BERT treats as one word per character. The range from 0x2B920 (not 0x2B820)
    // copies Hugging Face's Rust tokenizer, which llama.cpp and the reference outputs follow.
    private static boolean isChineseCharacter(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF)
                || (cp >= 0x3400 && cp <= 0x4DBF)
                || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F)
                || (cp >= 0x2B740 && cp <= 0x2B81F)
                || (cp >= 0x2B920 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }
}
