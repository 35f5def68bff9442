package dev.hearth.kb.index;

import org.apache.lucene.analysis.Analyzer;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * How much of a question's wording a passage holds: the share of the question's content terms
 * (analysed as the index analyses text, Chinese words and English stems) that occur in the
 * passage, under whichever analysis covers more. Question words ("how", "什么") and function
 * words are not content. Cosine similarity alone does not tell an off-topic English question from
 * an on-topic one with a Chinese-first model; wording the passage shares does.
 */
public final class TermOverlap {
    private static final Analyzer ANALYZER = ChunkFields.analyzer();

    /** Words that ask rather than say what is asked about. */
    private static final Set<String> QUESTION_WORDS = Set.of(
            // English, as EnglishAnalyzer leaves them (stemmed, its own stop words already gone)
            "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "do", "doe", "did", "i", "we",
            "you", "my", "our", "your", "can", "could", "should", "must", "mai", "might", "would", "ha", "have",
            "had", "ani", "much", "mani", "long", "often", "need", "get", "us", "me",
            // Chinese, as SmartChineseAnalyzer segments them
            "什么", "怎么", "怎样", "如何", "多少", "多久", "几", "哪个", "哪些", "哪", "吗", "呢", "吧", "的", "了", "是",
            "有", "会", "能", "要", "应该", "可以", "我", "我们", "你", "您", "谁", "为什么", "时候", "还", "个", "和");

    /** The question's content terms under each analysis, analysed once for all its passages. */
    private final Set<String> chinese;
    private final Set<String> english;

    private TermOverlap(String question) {
        this.chinese = asked(ChunkFields.TEXT_ZH, question);
        this.english = asked(ChunkFields.TEXT_EN, question);
    }

    /** The overlap with {@code question}, ready to measure any number of passages. */
    public static TermOverlap of(String question) {
        return new TermOverlap(question);
    }

    /** The share, 0 to 1, of the question's content terms found in {@code text}; 0 when it has none. */
    public double coverage(String text) {
        return Math.max(coverage(chinese, ChunkFields.TEXT_ZH, text), coverage(english, ChunkFields.TEXT_EN, text));
    }

    private static Set<String> asked(String field, String question) {
        return LexicalQuery.terms(field, question, ANALYZER).stream()
                .filter(t -> !QUESTION_WORDS.contains(t))
                .collect(Collectors.toSet());
    }

    private static double coverage(Set<String> asked, String field, String text) {
        if (asked.isEmpty()) {
            return 0;
        }
        Set<String> held = LexicalQuery.terms(field, text, ANALYZER, Integer.MAX_VALUE);
        return asked.stream().filter(held::contains).count() / (double) asked.size();
    }
}
