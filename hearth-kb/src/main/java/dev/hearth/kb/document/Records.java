package dev.hearth.kb.document;

import java.util.List;

/** Renders a table row or spreadsheet record so that it reads on its own: {@code name: Ada; age: 36}. */
final class Records {

    private Records() {}

    /**
     * Pairs each non-empty value with its column's header; a column without a header is called
     * {@code column N} (1-based). With no header at all the values are joined with {@code " | "}.
     */
    static String render(List<String> header, List<String> values) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            String value = oneLine(values.get(i));
            if (value.isEmpty()) {
                continue;
            }
            if (!out.isEmpty()) {
                out.append(header.isEmpty() ? " | " : "; ");
            }
            if (!header.isEmpty()) {
                String name = i < header.size() ? oneLine(header.get(i)) : "";
                out.append(name.isEmpty() ? "column " + (i + 1) : name).append(": ");
            }
            out.append(value);
        }
        return out.toString();
    }

    /** Whitespace runs, line breaks within a cell included, as one space. */
    static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s+", " ");
    }

    static boolean allBlank(List<String> values) {
        return values.stream().allMatch(v -> v == null || v.isBlank());
    }
}
