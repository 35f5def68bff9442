package dev.hearth.kb.document;

/**
 * One piece of a document's structure: a char range {@code [start, end)} of its extracted text
 * and the page that range is on (1-based; 0 for formats without pages). Ranges never start or
 * end with whitespace.
 */
public sealed interface Block permits Block.Heading, Block.Paragraph, Block.Row {

    int start();

    int end();

    int page();

    /** A heading; level 1 is outermost (h1, "Heading 1", {@code #}, a spreadsheet's sheet name). */
    record Heading(int level, int start, int end, int page) implements Block {
        public Heading {
            if (level < 1) {
                throw new IllegalArgumentException("heading level must be >= 1, got " + level);
            }
        }
    }

    /** Running text: a paragraph, a list item, a code block. */
    record Paragraph(int start, int end, int page) implements Block {}

    /**
     * A table row or spreadsheet/CSV record, rendered with its header as
     * {@code header1: value1; header2: value2}, so that it reads on its own; chunkers keep it whole.
     */
    record Row(int start, int end, int page) implements Block {}
}
