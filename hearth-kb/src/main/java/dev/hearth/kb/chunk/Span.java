package dev.hearth.kb.chunk;

/** A char range {@code [start, end)} of a document's text, never empty and never starting or ending with whitespace. */
record Span(int start, int end) {
    int length() {
        return end - start;
    }
}
