package dev.hearth.kb.chunk;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Finds where sentences end, in Chinese and English. Chinese terminators (。！？；) end a sentence
 * wherever they are; English ones (. ! ?) only before whitespace or the end, so that 3.14, e.g.
 * {@code example.com} and {@code a?b} stay whole. A full stop is also no end after a known
 * abbreviation (Mr., e.g., Fig.) or a single letter (J. Smith), or when the next word starts in
 * lower case. Closing quotes and brackets, and further terminators or an ellipsis, stay with the
 * sentence they close. A line break inside a paragraph (code, a poem, a list) ends one too.
 */
final class Sentences {

    private static final String CJK_TERMINATORS = "。！？；";
    private static final String ASCII_TERMINATORS = ".!?";
    private static final String TRAILERS = "。！？；.!?…”’\"')）】」』》〉]}";
    private static final Set<String> ABBREVIATIONS = Set.of("e.g", "i.e", "mr", "mrs", "ms", "dr", "prof", "sr", "jr",
            "st", "vs", "cf", "fig", "no", "vol", "pp", "approx", "inc", "ltd", "co", "u.s", "a.m", "p.m", "eq");

    private Sentences() {}

    /**
     * The sentences of {@code text[start, end)}, trimmed of whitespace, in order; together they
     * cover every visible char.
     */
    static List<Span> of(String text, int start, int end) {
        List<Span> out = new ArrayList<>();
        int from = start;
        for (int i = start; i < end; i++) {
            int after = endAfter(text, i, end);
            if (after > 0) {
                add(out, text, from, after);
                from = after;
                i = after - 1;
            }
        }
        add(out, text, from, end);
        return out;
    }

    /** If a sentence ends with the char at {@code i}, the offset just past it and its trailers; else 0. */
    private static int endAfter(String text, int i, int end) {
        char c = text.charAt(i);
        if (c == '\n') {
            return i + 1;
        }
        boolean cjk = CJK_TERMINATORS.indexOf(c) >= 0;
        boolean ellipsis = c == '…';
        if (!cjk && !ellipsis && ASCII_TERMINATORS.indexOf(c) < 0) {
            return 0;
        }
        int after = i + 1;
        while (after < end && TRAILERS.indexOf(text.charAt(after)) >= 0) {
            after++;
        }
        if (cjk) {
            return after;
        }
        boolean afterCjk = i > 0 && isCjk(text.charAt(i - 1));
        if (after < end && !Character.isWhitespace(text.charAt(after))) {
            // Chinese typed with half-width ! ? or … runs straight into the next sentence
            return afterCjk && c != '.' && isCjk(text.charAt(after)) ? after : 0;
        }
        if (c == '.' && !endsSentence(text, i, after, end)) {
            return 0;
        }
        return after;
    }

    /** Whether the full stop at {@code dot}, followed by whitespace or the end, ends a sentence. */
    private static boolean endsSentence(String text, int dot, int after, int end) {
        int wordStart = dot;
        while (wordStart > 0 && (Character.isLetter(text.charAt(wordStart - 1)) || text.charAt(wordStart - 1) == '.')) {
            wordStart--;
        }
        String word = text.substring(wordStart, dot);
        if (ABBREVIATIONS.contains(word.toLowerCase(java.util.Locale.ROOT))
                || (word.length() == 1 && Character.isUpperCase(word.charAt(0)))) {
            return false;
        }
        int next = after;
        while (next < end && Character.isWhitespace(text.charAt(next))) {
            next++;
        }
        return next >= end || !Character.isLowerCase(text.charAt(next));
    }

    static boolean isCjk(char c) {
        Character.UnicodeScript script = Character.UnicodeScript.of(c);
        return script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA
                || script == Character.UnicodeScript.KATAKANA;
    }

    /** Adds {@code text[from, to)} without its surrounding whitespace, unless nothing is left. */
    static void add(List<Span> out, String text, int from, int to) {
        while (from < to && Character.isWhitespace(text.charAt(from))) {
            from++;
        }
        while (to > from && Character.isWhitespace(text.charAt(to - 1))) {
            to--;
        }
        if (from < to) {
            out.add(new Span(from, to));
        }
    }
}
