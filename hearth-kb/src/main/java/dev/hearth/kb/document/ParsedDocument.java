package dev.hearth.kb.document;

import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A document's extracted text as one string, and its structure as blocks over that text.
 *
 * <p>Blocks are in order and do not overlap; the text outside them is whitespace only (the
 * separators between blocks), so every visible char belongs to exactly one block.
 *
 * @param source the file it was read from
 * @param format the format it was read as
 * @param title the title the file declares (HTML {@code <title>}, PDF/Office properties, a
 *     Markdown file's first {@code #} heading), if any
 * @param charset the encoding the text was decoded with, for formats that are bytes of text
 *     (txt, md, csv, html); empty for PDF and Office files
 * @param text the extracted text
 * @param blocks its headings, paragraphs and rows, in order
 */
public record ParsedDocument(Path source, Format format, Optional<String> title, Optional<Charset> charset,
        String text, List<Block> blocks) {

    public ParsedDocument {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(charset, "charset");
        Objects.requireNonNull(text, "text");
        blocks = List.copyOf(blocks);
        int previousEnd = 0;
        for (int i = 0; i < blocks.size(); i++) {
            Block b = blocks.get(i);
            if (b.start() < previousEnd || b.end() <= b.start() || b.end() > text.length() || b.page() < 0) {
                throw new IllegalArgumentException("block " + i + " " + b + " is out of order, empty or outside the "
                        + text.length() + "-char text");
            }
            requireBlank(text, previousEnd, b.start(), i);
            previousEnd = b.end();
        }
        requireBlank(text, previousEnd, text.length(), blocks.size());
    }

    private static void requireBlank(String text, int from, int to, int blockIndex) {
        if (!text.substring(from, to).isBlank()) {
            throw new IllegalArgumentException("text before block " + blockIndex + " (chars " + from + ".." + to
                    + ") lies outside every block");
        }
    }

    /** The text of one of this document's blocks. */
    public String textOf(Block block) {
        return text.substring(block.start(), block.end());
    }
}
