package dev.hearth.kb.document;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Plain text: paragraphs are separated by blank lines. A line break inside a paragraph is kept
 * (Chinese files often put one paragraph per line, and poems and lists need them), except where it
 * only wraps an English sentence: a line that ends without punctuation and is followed by one that
 * starts with a lower-case letter is joined to it with a space.
 */
final class PlainTextReader {

    private PlainTextReader() {}

    static ParsedDocument read(Path file, byte[] bytes, long maxChars) throws DocumentException {
        TextDecoding.Decoded decoded = TextDecoding.decode(file, bytes);
        DocumentBuilder doc = new DocumentBuilder(Format.TXT, maxChars);
        List<String> paragraph = new ArrayList<>();
        for (String line : decoded.text().split("\r\n|\r|\n", -1)) {
            if (line.isBlank()) {
                doc.paragraph(joinWrapped(paragraph), 0);
                paragraph.clear();
            } else {
                paragraph.add(line.stripTrailing());
            }
        }
        doc.paragraph(joinWrapped(paragraph), 0);
        return doc.build(file, Optional.empty(), Optional.of(decoded.charset()), "no text (empty or only whitespace)");
    }

    private static String joinWrapped(List<String> lines) {
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            if (!out.isEmpty()) {
                char last = out.charAt(out.length() - 1);
                char next = line.stripLeading().isEmpty() ? ' ' : line.stripLeading().charAt(0);
                boolean wrapped = Character.isLetterOrDigit(last) || last == ',';
                boolean continues = next >= 'a' && next <= 'z';
                out.append(wrapped && continues ? " " : "\n");
                out.append(wrapped && continues ? line.stripLeading() : line);
            } else {
                out.append(line);
            }
        }
        return out.toString();
    }
}
