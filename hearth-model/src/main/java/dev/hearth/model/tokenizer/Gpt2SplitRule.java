package dev.hearth.model.tokenizer;

import static dev.hearth.model.tokenizer.SplitRule.cut;

/**
 * GPT-2's pre-tokenizer pattern as a hand-written scanner, as llama.cpp runs it
 * ({@code unicode_regex_split_custom_gpt2}): faster than a regex and without backtracking.
 *
 * <pre>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</pre>
 *
 * where {@code \s} is Unicode White_Space and the categories are whole Unicode families.
 */
final class Gpt2SplitRule implements SplitRule {
    /** The pattern as llama.cpp lists it (its scanner also covers the trailing {@code \s+}). */
    static final String REGEX = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";

    @Override
    public void split(CodepointText text, int start, int end, IntList ends) {
        int pos = start;
        while (pos < end) {
            int c = text.at(pos);
            int contraction = contractionLength(text, pos, end, false);
            if (contraction > 0) {
                pos += contraction;
                cut(ends, pos);
                continue;
            }
            // " ?X+" for X = letters, numbers, or anything else that is not whitespace
            int first = c == ' ' ? pos + 1 : pos;
            if (first < end && !CodepointCategory.isWhitespace(text.at(first))) {
                Run run = Run.of(text.at(first));
                pos = first + 1;
                while (pos < end && !CodepointCategory.isWhitespace(text.at(pos))
                        && Run.of(text.at(pos)) == run) {
                    pos++;
                }
                cut(ends, pos);
                continue;
            }
            pos = afterWhitespace(text, pos, end);
            cut(ends, pos);
        }
    }

    /**
     * Length of {@code 's 't 're 've 'm 'll 'd} at {@code pos}, 0 if none; with {@code anyCase},
     * the letters match in either case (Llama 3's {@code (?i:...)}).
     */
    static int contractionLength(CodepointText text, int pos, int end, boolean anyCase) {
        if (text.at(pos) != '\'' || pos + 1 >= end) {
            return 0;
        }
        int next = anyCase ? Character.toLowerCase(text.at(pos + 1)) : text.at(pos + 1);
        if (next == 's' || next == 't' || next == 'm' || next == 'd') {
            return 2;
        }
        if (pos + 2 < end) {
            int after = anyCase ? Character.toLowerCase(text.at(pos + 2)) : text.at(pos + 2);
            if ((next == 'r' && after == 'e') || (next == 'v' && after == 'e') || (next == 'l' && after == 'l')) {
                return 3;
            }
        }
        return 0;
    }

    /** What a run of non-whitespace is made of: letters and numbers each run together, the rest as one. */
    private enum Run {
        LETTERS,
        NUMBERS,
        OTHER;

        static Run of(int codePoint) {
            return switch (CodepointCategory.of(codePoint)) {
                case LETTER -> LETTERS;
                case NUMBER -> NUMBERS;
                default -> OTHER;
            };
        }
    }

    /**
     * {@code \s+(?!\S)|\s+} at a whitespace position: a run followed by more text keeps its last
     * whitespace for the next piece (so " world" stays together); at the end it is taken whole.
     */
    static int afterWhitespace(CodepointText text, int pos, int end) {
        int run = 0;
        while (pos + run < end && CodepointCategory.isWhitespace(text.at(pos + run))) {
            run++;
        }
        return run > 1 && pos + run < end ? pos + run - 1 : pos + run;
    }
}
