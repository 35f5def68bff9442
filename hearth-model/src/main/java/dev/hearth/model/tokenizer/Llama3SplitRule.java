package dev.hearth.model.tokenizer;

import static dev.hearth.model.tokenizer.SplitRule.cut;

import java.util.Set;

/**
 * Llama 3's pre-tokenizer pattern as a hand-written scanner, as llama.cpp runs it
 * ({@code unicode_regex_split_custom_llama3}):
 *
 * <pre>(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+</pre>
 *
 * Unlike GPT-2's, a letter run may start with one punctuation mark or symbol ({@code "(hello"} is one
 * piece, {@code " hello"} too), digits come in groups of at most three, and newlines end their run
 * of whitespace.
 */
final class Llama3SplitRule implements SplitRule {
    /** The spellings llama.cpp recognises: the original, and its case-expanded form for std::regex. */
    static final Set<String> REGEXES = Set.of(
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
                    + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
            "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
                    + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+");

    @Override
    public void split(CodepointText text, int start, int end, IntList ends) {
        int pos = start;
        while (pos < end) {
            int c = text.at(pos);
            int contraction = Gpt2SplitRule.contractionLength(text, pos, end, true);
            if (contraction > 0) {
                pos += contraction;
                cut(ends, pos);
                continue;
            }
            // [^\r\n\p{L}\p{N}]?\p{L}+
            if (c != '\r' && c != '\n' && !CodepointCategory.isNumber(c)
                    && (CodepointCategory.isLetter(c) || (pos + 1 < end && CodepointCategory.isLetter(text.at(pos + 1))))) {
                pos++;
                while (pos < end && CodepointCategory.isLetter(text.at(pos))) {
                    pos++;
                }
                cut(ends, pos);
                continue;
            }
            // \p{N}{1,3}
            if (CodepointCategory.isNumber(c)) {
                int groupStart = pos;
                while (pos < end && CodepointCategory.isNumber(text.at(pos))) {
                    pos++;
                    if (pos - groupStart == 3) {
                        cut(ends, pos);
                        groupStart = pos;
                    }
                }
                cut(ends, pos);
                continue;
            }
            // " ?[^\s\p{L}\p{N}]+[\r\n]*"
            int first = c == ' ' ? pos + 1 : pos;
            if (first < end && isOther(text.at(first))) {
                pos = first + 1;
                while (pos < end && isOther(text.at(pos))) {
                    pos++;
                }
                while (pos < end && (text.at(pos) == '\r' || text.at(pos) == '\n')) {
                    pos++;
                }
                cut(ends, pos);
                continue;
            }
            // \s*[\r\n]+ : a whitespace run that contains newlines ends after its last one
            int run = 0;
            int afterLastNewline = -1;
            while (pos + run < end && CodepointCategory.isWhitespace(text.at(pos + run))) {
                int w = text.at(pos + run);
                run++;
                if (w == '\r' || w == '\n') {
                    afterLastNewline = pos + run;
                }
            }
            pos = afterLastNewline >= 0 ? afterLastNewline : Gpt2SplitRule.afterWhitespace(text, pos, end);
            cut(ends, pos);
        }
    }

    private static boolean isOther(int codePoint) {
        if (CodepointCategory.isWhitespace(codePoint)) {
            return false;
        }
        CodepointCategory category = CodepointCategory.of(codePoint);
        return category != CodepointCategory.LETTER && category != CodepointCategory.NUMBER;
    }
}
