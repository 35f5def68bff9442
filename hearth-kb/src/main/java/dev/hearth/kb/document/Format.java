package dev.hearth.kb.document;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The document formats Hearth reads, each with the file extensions that select it. */
public enum Format {
    TXT("txt", "text"),
    MARKDOWN("md", "markdown"),
    HTML("html", "htm"),
    PDF("pdf"),
    DOCX("docx"),
    CSV("csv"),
    XLSX("xlsx");

    private final List<String> extensions;

    Format(String... extensions) {
        this.extensions = List.of(extensions);
    }

    /** Lower-case extensions without the dot. */
    public List<String> extensions() {
        return extensions;
    }

    /** The format an extension (without the dot, any case) selects. */
    public static Optional<Format> ofExtension(String extension) {
        String lower = extension.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(f -> f.extensions.contains(lower)).findFirst();
    }

    /** Every supported extension as {@code .txt, .md, …}, for error messages. */
    public static String supportedList() {
        return Arrays.stream(values()).flatMap(f -> f.extensions.stream()).map(e -> "." + e)
                .collect(Collectors.joining(", "));
    }
}
