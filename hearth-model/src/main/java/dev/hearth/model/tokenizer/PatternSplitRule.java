package dev.hearth.model.tokenizer;

import static dev.hearth.model.tokenizer.SplitRule.cut;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A pre-tokenizer regex run the way llama.cpp runs patterns it has no scanner for
 * ({@code unicode_regex_split}): through an ASCII regex engine (std::regex), with Unicode classes
 * emulated.
 *
 * <p>A pattern that uses a category ({@code \p{L}}, {@code \p{N}}, {@code \p{P}}, {@code \p{M}},
 * {@code \p{S}}, or a letter subcategory, which counts as any letter) runs on the
 * {@linkplain CodepointText#collapsed() collapsed} text, each category rewritten to a class of
 * its stand-in plus its ASCII members; such a pattern must otherwise be ASCII. Any other pattern
 * runs on the {@linkplain CodepointText#wide() text itself}. Either way {@code \s} means ASCII
 * whitespace plus the vertical tab that other whitespace was turned into, and {@code $} means the
 * end of the piece, as in ECMAScript.
 */
final class PatternSplitRule implements SplitRule {
    // what each category becomes inside a character class: its stand-in and its ASCII members
    private static final Map<String, String> CATEGORY_CLASSES = Map.of(
            "\\p{N}", stand(CodepointText.NUMBER) + "0-9",
            "\\p{L}", stand(CodepointText.LETTER) + "A-Za-z",
            "\\p{P}", stand(CodepointText.PUNCTUATION) + "!-#%-*,-/:-;?-@\\[-\\]_\\{\\}",
            "\\p{M}", stand(CodepointText.ACCENT_MARK),
            // llama.cpp leaves '~' out of \p{S}; kept so, to split alike
            "\\p{S}", stand(CodepointText.SYMBOL) + "\\$\\+<->\\^`\\|");
    private static final List<String> LETTER_SUBCATEGORIES =
            List.of("\\p{Lu}", "\\p{Ll}", "\\p{Lt}", "\\p{Lm}", "\\p{Lo}");

    private final Pattern pattern;
    private final boolean collapsed;

    private PatternSplitRule(Pattern pattern, boolean collapsed) {
        this.pattern = pattern;
        this.collapsed = collapsed;
    }

    /**
     * @throws IllegalArgumentException if the pattern is not a valid regex, or mixes categories with
     *     non-ASCII characters (which llama.cpp rejects too)
     */
    static PatternSplitRule compile(String regex) {
        boolean usesCategories = CATEGORY_CLASSES.keySet().stream().anyMatch(regex::contains)
                || LETTER_SUBCATEGORIES.stream().anyMatch(regex::contains);
        if (usesCategories && !regex.chars().allMatch(c -> c < 0x80)) {
            throw new IllegalArgumentException(
                    "pre-tokenizer regex uses both Unicode categories and non-ASCII characters: " + regex);
        }
        String translated = endAnchorsToEndOfInput(usesCategories ? collapseCategories(regex) : regex);
        try {
            return new PatternSplitRule(Pattern.compile(translated), usesCategories);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("invalid pre-tokenizer regex: " + regex, e);
        }
    }

    @Override
    public void split(CodepointText text, int start, int end, IntList ends) {
        // region bounds are opaque and anchoring by default: the match sees only this piece, like
        // std::regex_iterator over a sub-range
        Matcher m = collapsed
                ? pattern.matcher(text.collapsed()).region(start, end)
                : pattern.matcher(text.wide()).region(text.charIndex(start), text.charIndex(end));
        while (m.find()) {
            cut(ends, collapsed ? m.start() : text.codePointIndex(m.start()));
            cut(ends, collapsed ? m.end() : text.codePointIndex(m.end()));
        }
        cut(ends, end);
    }

    /** Rewrites each category to a class over the collapsed text (merged into an enclosing class). */
    private static String collapseCategories(String regex) {
        StringBuilder out = new StringBuilder(regex.length() * 2);
        boolean inClass = false;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            boolean escaped = i > 0 && regex.charAt(i - 1) == '\\';
            if (c == '[' && !escaped) {
                inClass = true;
            } else if (c == ']' && inClass && !escaped) {
                inClass = false;
            } else if (c == '\\' && regex.startsWith("\\p{", i)) {
                int close = regex.indexOf('}', i);
                String members = close < 0 ? null : categoryClass(regex.substring(i, close + 1));
                if (members != null) {
                    out.append(inClass ? members : "[" + members + "]");
                    i = close;
                    continue;
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    private static String categoryClass(String category) {
        return LETTER_SUBCATEGORIES.contains(category) ? CATEGORY_CLASSES.get("\\p{L}") : CATEGORY_CLASSES.get(category);
    }

    /** ECMAScript's {@code $} is the end of input; Java's also matches before a final line break. */
    private static String endAnchorsToEndOfInput(String regex) {
        StringBuilder out = new StringBuilder(regex.length());
        boolean inClass = false;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\' && i + 1 < regex.length()) {
                out.append(c).append(regex.charAt(++i));
                continue;
            }
            if (c == '[') {
                inClass = true;
            } else if (c == ']') {
                inClass = false;
            } else if (c == '$' && !inClass) {
                out.append("\\z");
                continue;
            }
            out.append(c);
        }
        return out.toString();
    }

    private static String stand(char standIn) {
        return String.format("\\x{%X}", (int) standIn);
    }
}
