package dev.hearth.kb.chunk;

import java.util.List;
import java.util.Objects;

/**
 * A passage cut from one document, small enough to embed and to quote, with where it came from.
 *
 * @param text the passage as indexed and shown
 * @param page the 1-based page it starts on, or 0 when the format has no pages
 * @param start offset of its first char in the document's extracted text
 * @param end offset just past its last char in that text
 * @param headings the heading path above it, outermost first (empty when the document has none)
 */
public record Chunk(String text, int page, int start, int end, List<String> headings) {
    public Chunk {
        Objects.requireNonNull(text, "text");
        headings = List.copyOf(headings);
        if (page < 0 || start < 0 || end < start) {
            throw new IllegalArgumentException("a chunk needs page >= 0 and 0 <= start <= end; got page " + page
                    + ", " + start + ".." + end);
        }
    }

    /** The heading path as one line, {@code "Part > Section"}; empty when there is none. */
    public String headingPath() {
        return String.join(" > ", headings);
    }
}
