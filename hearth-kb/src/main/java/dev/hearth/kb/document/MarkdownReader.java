package dev.hearth.kb.document;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Markdown, read line by line with the common subset of CommonMark and GFM: ATX and setext
 * headings, fenced code (kept verbatim, fences dropped), list items and block quotes as paragraphs,
 * pipe tables as rows. Inline markup is stripped lightly: emphasis, code spans, links and images
 * keep their text, HTML tags go. Soft line breaks join lines, as Markdown renders them.
 */
final class MarkdownReader {

    private static final Pattern ATX = Pattern.compile("^ {0,3}(#{1,6})(?:[ \\t]+(.*?))?(?:[ \\t]+#+)?[ \\t]*$");
    private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})");
    private static final Pattern SETEXT = Pattern.compile("^ {0,3}(=+|-+)[ \\t]*$");
    private static final Pattern THEMATIC_BREAK = Pattern.compile("^ {0,3}([-*_])(?:[ \\t]*\\1){2,}[ \\t]*$");
    private static final Pattern LIST_ITEM = Pattern.compile("^[ \\t]*(?:[-*+]|\\d{1,9}[.)])[ \\t]+(.*)$");
    private static final Pattern QUOTE = Pattern.compile("^ {0,3}(?:>[ \\t]?)+");
    private static final Pattern LINK_DEFINITION = Pattern.compile("^ {0,3}\\[[^\\]]+\\]:[ \\t]*\\S+.*$");
    private static final Pattern TABLE_SEPARATOR =
            Pattern.compile("^[ \\t]*\\|?[ \\t]*:?-+:?[ \\t]*(?:\\|[ \\t]*:?-+:?[ \\t]*)*\\|?[ \\t]*$");

    /** Inline markup and what replaces it, applied in order. */
    private static final List<Replacement> INLINE = List.of(
            new Replacement("!\\[([^\\]]*)\\]\\([^)]*\\)", "$1"),
            new Replacement("\\[([^\\]]+)\\]\\([^)]*\\)", "$1"),
            new Replacement("\\[([^\\]]+)\\]\\[[^\\]]*\\]", "$1"),
            new Replacement("<((?:https?|mailto):[^>\\s]+)>", "$1"),
            new Replacement("(`+)(.+?)\\1", "$2"),
            new Replacement("(\\*\\*|__)(?=\\S)(.+?)(?<=\\S)\\1", "$2"),
            new Replacement("(?<![\\w*])\\*(?=\\S)(.+?)(?<=\\S)\\*(?![\\w*])", "$1"),
            new Replacement("(?<![\\w_])_(?=\\S)(.+?)(?<=\\S)_(?![\\w_])", "$1"),
            new Replacement("~~(.+?)~~", "$1"),
            new Replacement("</?[a-zA-Z][^>]*>", ""),
            new Replacement("\\\\([\\\\`*_{}\\[\\]()#+\\-.!|>~])", "$1"));

    private record Replacement(Pattern pattern, String with) {
        Replacement(String regex, String with) {
            this(Pattern.compile(regex), with);
        }
    }

    private final DocumentBuilder doc;
    private final List<String> paragraph = new ArrayList<>();
    private List<String> tableHeader;
    private String title;

    private MarkdownReader(DocumentBuilder doc) {
        this.doc = doc;
    }

    static ParsedDocument read(Path file, byte[] bytes, long maxChars) throws DocumentException {
        TextDecoding.Decoded decoded = TextDecoding.decode(file, bytes);
        MarkdownReader reader = new MarkdownReader(new DocumentBuilder(Format.MARKDOWN, maxChars));
        reader.readLines(decoded.text().split("\r\n|\r|\n", -1));
        return reader.doc.build(file, Optional.ofNullable(reader.title), Optional.of(decoded.charset()),
                "no text (empty or only whitespace and markup)");
    }

    private void readLines(String[] lines) {
        int i = skipFrontMatter(lines);
        String fence = null;
        List<String> code = new ArrayList<>();
        for (; i < lines.length; i++) {
            String line = lines[i];
            if (fence != null) {
                if (line.strip().startsWith(fence) && line.strip().replace(fence.substring(0, 1), "").isEmpty()) {
                    doc.paragraph(String.join("\n", code), 0);
                    code.clear();
                    fence = null;
                } else {
                    code.add(line);
                }
                continue;
            }
            line = QUOTE.matcher(line).replaceFirst("");
            Matcher m;
            if ((m = FENCE.matcher(line)).find()) {
                flush();
                fence = m.group(1);
            } else if (line.isBlank() || LINK_DEFINITION.matcher(line).matches()) {
                flush();
            } else if ((m = ATX.matcher(line)).matches()) {
                flush();
                heading(m.group(1).length(), m.group(2) == null ? "" : m.group(2));
            } else if ((m = SETEXT.matcher(line)).matches() && paragraph.size() == 1 && tableHeader == null) {
                String text = paragraph.removeFirst();
                heading(m.group(1).charAt(0) == '=' ? 1 : 2, text);
            } else if (THEMATIC_BREAK.matcher(line).matches()) {
                flush();
            } else if (tableHeader != null && line.contains("|")) {
                doc.row(Records.render(tableHeader, cells(line)), 0);
            } else if (paragraph.size() == 1 && paragraph.getFirst().contains("|")
                    && TABLE_SEPARATOR.matcher(line).matches() && line.contains("-")) {
                tableHeader = cells(paragraph.removeFirst());
            } else if ((m = LIST_ITEM.matcher(line)).matches()) {
                flush();
                paragraph.add(m.group(1));
            } else {
                paragraph.add(line);
            }
        }
        if (fence != null) {
            doc.paragraph(String.join("\n", code), 0); // an unclosed fence runs to the end, as CommonMark says
        }
        flush();
    }

    /** YAML front matter ({@code ---} … {@code ---} on the first lines) is metadata, not text. */
    private static int skipFrontMatter(String[] lines) {
        if (lines.length > 0 && lines[0].strip().equals("---")) {
            for (int i = 1; i < lines.length; i++) {
                if (lines[i].strip().equals("---") || lines[i].strip().equals("...")) {
                    return i + 1;
                }
            }
        }
        return 0;
    }

    private void heading(int level, String raw) {
        String text = inline(raw);
        if (title == null && level == 1 && !text.isBlank()) {
            title = text;
        }
        doc.heading(level, text, 0);
    }

    private void flush() {
        doc.paragraph(inline(DocumentBuilder.unwrap(paragraph)), 0);
        paragraph.clear();
        tableHeader = null;
    }

    private static List<String> cells(String line) {
        String s = line.strip();
        if (s.startsWith("|")) {
            s = s.substring(1);
        }
        if (s.endsWith("|") && !s.endsWith("\\|")) {
            s = s.substring(0, s.length() - 1);
        }
        List<String> cells = new ArrayList<>();
        for (String cell : s.split("(?<!\\\\)\\|", -1)) {
            cells.add(inline(cell.replace("\\|", "|")));
        }
        return cells;
    }

    static String inline(String s) {
        String out = s;
        for (Replacement r : INLINE) {
            out = r.pattern.matcher(out).replaceAll(r.with);
        }
        return out.strip();
    }
}
