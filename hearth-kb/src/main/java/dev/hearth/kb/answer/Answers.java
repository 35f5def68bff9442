package dev.hearth.kb.answer;

import java.util.List;

/** The answers Hearth writes without a generative model. */
public final class Answers {
    private Answers() {
    }

    /** What is said when retrieval finds nothing relevant enough to answer from. */
    public static String notCovered(String knowledgeBase, String question) {
        return Language.of(question) == Language.CHINESE
                ? "知识库「" + knowledgeBase + "」中没有与这个问题相关的内容。"
                : "The knowledge base \"" + knowledgeBase + "\" does not cover this question.";
    }

    /**
     * An extractive answer: the best passages themselves, each with its citation number and
     * source, for a server or command with no generative model configured.
     */
    public static String extractive(String question, List<Passage> passages) {
        if (passages.isEmpty()) {
            throw new IllegalArgumentException("an extractive answer needs at least one passage");
        }
        StringBuilder text = new StringBuilder(Language.of(question) == Language.CHINESE
                ? "以下是知识库中最相关的段落：\n\n" : "These passages of the knowledge base are the most relevant:\n\n");
        for (Passage passage : passages) {
            text.append('[').append(passage.number()).append("] ").append(passage.text().strip())
                    .append("\n    — ").append(passage.source()).append("\n\n");
        }
        return text.toString().stripTrailing();
    }
}
