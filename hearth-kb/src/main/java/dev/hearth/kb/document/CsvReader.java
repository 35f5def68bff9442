package dev.hearth.kb.document;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * CSV after RFC 4180: fields in double quotes may hold the delimiter, line breaks and doubled
 * quotes. The first non-blank row is the header; every later row becomes one record rendered with
 * it. The delimiter is whichever of comma, semicolon or tab the first line uses most (comma on a
 * tie), since spreadsheets in many locales save semicolons.
 */
final class CsvReader {

    private CsvReader() {}

    static ParsedDocument read(Path file, byte[] bytes, long maxChars) throws DocumentException {
        TextDecoding.Decoded decoded = TextDecoding.decode(file, bytes);
        String text = decoded.text();
        DocumentBuilder doc = new DocumentBuilder(Format.CSV, maxChars);
        List<String> header = new ArrayList<>();
        parse(file, text, delimiter(text), fields -> {
            if (Records.allBlank(fields)) {
                return;
            }
            if (header.isEmpty()) {
                header.addAll(fields);
            } else {
                doc.row(Records.render(header, fields), 0);
            }
        });
        String whenEmpty = header.isEmpty() ? "no text (empty or only whitespace)" : "no records below the header row";
        return doc.build(file, Optional.empty(), Optional.of(decoded.charset()), whenEmpty);
    }

    interface RowSink {
        void accept(List<String> fields);
    }

    /** Calls {@code sink} with each row's fields, in order. */
    static void parse(Path file, String text, char delimiter, RowSink sink) throws DocumentException {
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean fieldStarted = false;
        int line = 1;
        int quoteLine = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    field.append(c);
                }
            } else if (c == '"' && !fieldStarted) {
                quoted = true;
                fieldStarted = true;
                quoteLine = line;
            } else if (c == delimiter) {
                row.add(field.toString());
                field.setLength(0);
                fieldStarted = false;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                line++;
                row.add(field.toString());
                sink.accept(List.copyOf(row));
                row.clear();
                field.setLength(0);
                fieldStarted = false;
            } else {
                // a quote inside an unquoted field is taken literally, as spreadsheets write them
                field.append(c);
                fieldStarted = true;
            }
        }
        if (quoted) {
            throw new DocumentException(file, "CSV quoted field opened on line " + quoteLine + " is never closed");
        }
        if (fieldStarted || !row.isEmpty()) {
            row.add(field.toString());
            sink.accept(List.copyOf(row));
        }
    }

    private static char delimiter(String text) {
        int comma = 0;
        int semicolon = 0;
        int tab = 0;
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && (c == '\n' || c == '\r')) {
                break;
            } else if (!quoted) {
                comma += c == ',' ? 1 : 0;
                semicolon += c == ';' ? 1 : 0;
                tab += c == '\t' ? 1 : 0;
            }
        }
        return semicolon > comma && semicolon >= tab ? ';' : tab > comma ? '\t' : ',';
    }
}
