package dev.hearth.train.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * How often each word of a corpus occurs: text is cut at the special tokens, the rest into words
 * by the Qwen2 pre-tokenizer, as the trained tokenizer will cut it, and each word is counted by
 * its text. Memory grows with the distinct words, not with the corpus. Not thread-safe.
 */
final class WordCounts {
    private final List<String> specialTokens;
    private final Pattern specialToken; // null when there are none
    private final Map<String, long[]> counts = new HashMap<>();
    private long words;
    private long specialTokenCount;
    private long specialTokenBytes;

    WordCounts(List<String> specialTokens) {
        this.specialTokens = List.copyOf(specialTokens);
        // longest first, so that a special token that starts another does not cut it short
        this.specialToken = specialTokens.isEmpty() ? null : Pattern.compile(specialTokens.stream()
                .sorted((a, b) -> b.length() - a.length())
                .map(Pattern::quote)
                .collect(Collectors.joining("|")));
    }

    /** Counts the words of {@code text}; the special tokens in it are counted apart, not learned from. */
    void add(String text) {
        if (specialToken == null) {
            addPlain(text);
            return;
        }
        Matcher m = specialToken.matcher(text);
        int start = 0;
        while (m.find()) {
            addPlain(text.substring(start, m.start()));
            specialTokenCount++;
            specialTokenBytes += m.group().getBytes(StandardCharsets.UTF_8).length;
            start = m.end();
        }
        addPlain(text.substring(start));
    }

    private void addPlain(String text) {
        for (String word : TrainedTokenizer.PRE_TOKENIZER.split(text)) {
            counts.computeIfAbsent(word, w -> new long[1])[0]++;
            words++;
        }
    }

    /** The special tokens the corpus was cut at. */
    List<String> specialTokens() {
        return specialTokens;
    }

    /** Words counted, with repeats. */
    long words() {
        return words;
    }

    long distinctWords() {
        return counts.size();
    }

    /** Special tokens found in the text. */
    long specialTokenCount() {
        return specialTokenCount;
    }

    /** The UTF-8 bytes of the special tokens found in the text. */
    long specialTokenBytes() {
        return specialTokenBytes;
    }

    /** Hands each distinct word and its count to {@code action}, in no particular order. */
    void forEach(BiConsumer<String, Long> action) {
        counts.forEach((word, count) -> action.accept(word, count[0]));
    }
}
