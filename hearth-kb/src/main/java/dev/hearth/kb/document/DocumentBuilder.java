package dev.hearth.kb.document;

import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Collects a document's blocks as a reader finds them and lays them out as one text: blocks are
 * stripped of surrounding whitespace, control chars become spaces, rows are separated by one
 * newline and everything else by a blank line. Not thread-safe; one per file.
 */
final class DocumentBuilder {

    /**
     * Thrown through callbacks that cannot throw checked exceptions (SAX, jsoup);
     * {@link DocumentReaders} turns it into a DocumentException.
     */
    static final class TooMuchText extends RuntimeException {
        TooMuchText(long maxChars) {
            super("more than " + maxChars + " characters of text; split the file or raise the limit");
        }
    }

    private final Format format;
    private final long maxChars;
    private final StringBuilder text = new StringBuilder();
    private final List<Block> blocks = new ArrayList<>();

    DocumentBuilder(Format format, long maxChars) {
        this.format = format;
        this.maxChars = maxChars;
    }

    void heading(int level, String s, int page) {
        append(clean(s), false, (start, end) -> new Block.Heading(Math.max(1, level), start, end, page));
    }

    void paragraph(String s, int page) {
        append(clean(s), false, (start, end) -> new Block.Paragraph(start, end, page));
    }

    void row(String s, int page) {
        append(clean(s), true, (start, end) -> new Block.Row(start, end, page));
    }

    /** The document, or a DocumentException when the file held no text at all. */
    ParsedDocument build(Path source, Optional<String> title, Optional<Charset> charset, String whenEmpty)
            throws DocumentException {
        if (blocks.isEmpty()) {
            throw new DocumentException(source, whenEmpty);
        }
        Optional<String> cleanTitle = title.map(DocumentBuilder::clean).filter(t -> !t.isEmpty());
        return new ParsedDocument(source, format, cleanTitle, charset, text.toString(), blocks);
    }

    private interface BlockFactory {
        Block at(int start, int end);
    }

    private void append(String s, boolean row, BlockFactory factory) {
        if (s.isEmpty()) {
            return;
        }
        String separator = text.isEmpty() ? "" : row && blocks.getLast() instanceof Block.Row ? "\n" : "\n\n";
        if (text.length() + separator.length() + (long) s.length() > maxChars) {
            throw new TooMuchText(maxChars);
        }
        text.append(separator);
        int start = text.length();
        text.append(s);
        blocks.add(factory.at(start, text.length()));
    }

    /** Line ends as {@code \n}, other control chars as spaces, no surrounding whitespace. */
    static String clean(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r') {
                if (i + 1 < s.length() && s.charAt(i + 1) == '\n') {
                    continue;
                }
                out.append('\n');
            } else if (c == '\uFEFF') {
                continue; // a stray byte-order mark inside the text is invisible noise
            } else if (Character.isISOControl(c) && c != '\n' && c != '\t') {
                out.append(' ');
            } else {
                out.append(c);
            }
        }
        return out.toString().strip();
    }

    /**
     * Joins visual lines into one paragraph, as Markdown's soft breaks and PDF line wraps mean:
     * a space between words, nothing between two CJK chars (Chinese has no spaces to restore).
     */
    static String unwrap(List<String> lines) {
        StringBuilder out = new StringBuilder();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (!out.isEmpty() && !(isCjk(out.codePointBefore(out.length())) && isCjk(line.codePointAt(0)))) {
                out.append(' ');
            }
            out.append(line);
        }
        return out.toString();
    }

    static boolean isCjk(int codePoint) {
        Character.UnicodeScript script = Character.UnicodeScript.of(codePoint);
        if (script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA
                || script == Character.UnicodeScript.KATAKANA) {
            return true;
        }
        Character.UnicodeBlock block = Character.UnicodeBlock.of(codePoint);
        return block == Character.UnicodeBlock.CJK_SYMBOLS_AND_PUNCTUATION
                || block == Character.UnicodeBlock.HALFWIDTH_AND_FULLWIDTH_FORMS;
    }
}
