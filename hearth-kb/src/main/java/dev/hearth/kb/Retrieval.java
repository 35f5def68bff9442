package dev.hearth.kb;

import dev.hearth.kb.answer.Passage;

import java.util.List;

/**
 * What retrieval found for a question: the passages relevant enough to answer from, best first
 * and numbered for citation. Empty when the knowledge base does not cover the question.
 */
public record Retrieval(String knowledgeBase, String question, List<Passage> passages) {
    public Retrieval {
        passages = List.copyOf(passages);
    }

    /** Whether anything relevant was found. */
    public boolean covered() {
        return !passages.isEmpty();
    }
}
