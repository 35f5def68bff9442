package dev.hearth.serve.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A model a server offers: the name clients ask for, and its GGUF file.
 *
 * @param name what clients put in {@code model}; no slashes, spaces or control characters, so it
 *     fits a URL path segment as is
 */
public record ModelSource(String name, Path path) {
    private static final String SUFFIX = ".gguf";

    public ModelSource {
        Objects.requireNonNull(path, "path");
        checkName(name);
    }

    /**
     * {@code PATH} (named after the file, without {@code .gguf}) or {@code NAME=PATH}. A spec whose
     * text before the first {@code =} holds a path separator, or that is an existing file as a
     * whole, is a path.
     */
    public static ModelSource parse(String spec) {
        int eq = spec.indexOf('=');
        if (eq > 0) {
            String name = spec.substring(0, eq);
            boolean looksLikePath = name.indexOf('/') >= 0 || name.indexOf('\\') >= 0 || Files.exists(Path.of(spec));
            if (!looksLikePath) {
                return new ModelSource(name, Path.of(spec.substring(eq + 1)));
            }
        }
        Path path = Path.of(spec);
        return new ModelSource(nameOf(path), path);
    }

    /** Every {@code *.gguf} file directly in {@code dir}, by name. */
    public static List<ModelSource> scan(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + ": not a directory");
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(SUFFIX))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .map(f -> new ModelSource(nameOf(f), f))
                    .toList();
        }
    }

    /** A file's name without {@code .gguf}. */
    static String nameOf(Path file) {
        String name = file.getFileName().toString();
        return name.toLowerCase(Locale.ROOT).endsWith(SUFFIX) ? name.substring(0, name.length() - SUFFIX.length()) : name;
    }

    private static void checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank() || name.chars().anyMatch(c -> c == '/' || c == '\\' || Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw new IllegalArgumentException("model name '" + name + "' must be non-empty, without slashes, spaces or control characters");
        }
    }
}
