package dev.hearth.kb;

import dev.hearth.kb.answer.Answers;
import dev.hearth.kb.answer.Passage;

import java.util.List;
import java.util.Optional;

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

    /**
     * The answer that needs no model: that the knowledge base does not cover the question, or,
     * when no model is there to write one, the passages themselves; empty when a model should
     * answer from the passages.
     */
    public Optional<String> answerWithoutModel(boolean aModelAnswers) {
        if (!covered()) {
            return Optional.of(Answers.notCovered(knowledgeBase, question));
        }
        return aModelAnswers ? Optional.empty() : Optional.of(Answers.extractive(question, passages));
    }
}
