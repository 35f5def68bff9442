package dev.hearth.kb.answer;

import java.util.Objects;

/**
 * A retrieved passage as an answer cites it: its number in the answer ({@code [n]}), where it
 * came from and how well it matched.
 *
 * @param number its citation number, from 1
 * @param documentId the document's id in its knowledge base
 * @param documentName the document's name (its file name)
 * @param page the 1-based page it starts on, 0 when the format has no pages
 * @param start offset of its first char in the document's extracted text
 * @param end offset just past its last char
 * @param headingPath the headings above it, {@code "Part > Section"}; empty when none
 * @param text the passage
 * @param score its fused retrieval score (ranks only; not comparable across questions)
 * @param similarity cosine similarity of the passage and the question, -1 to 1 (NaN when retrieval
 *     used no vectors)
 * @param relevance how well it answers the question: the similarity plus half the share of the
 *     question's content terms it holds (NaN when retrieval used no vectors)
 */
public record Passage(int number, String documentId, String documentName, int page, int start, int end,
                      String headingPath, String text, double score, double similarity, double relevance) {
    public Passage {
        Objects.requireNonNull(documentId, "documentId");
        Objects.requireNonNull(documentName, "documentName");
        Objects.requireNonNull(headingPath, "headingPath");
        Objects.requireNonNull(text, "text");
        if (number < 1) {
            throw new IllegalArgumentException("citation numbers start at 1, got " + number);
        }
    }

    /** Where it came from, for a reader: {@code "manual.pdf, p. 3, Safety > Permits"}. */
    public String source() {
        StringBuilder source = new StringBuilder(documentName);
        if (page > 0) {
            source.append(", p. ").append(page);
        }
        if (!headingPath.isEmpty()) {
            source.append(", ").append(headingPath);
        }
        return source.toString();
    }
}
