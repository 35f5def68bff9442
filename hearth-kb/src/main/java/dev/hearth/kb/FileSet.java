package dev.hearth.kb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The files an {@code add} names: each file as given, each folder's files below it (sorted, hidden
 * files and folders skipped), and a failed entry for a path that does not exist or a folder that
 * cannot be listed, so the rest of the batch still goes in.
 */
final class FileSet {

    /** A file to add, or why a path given cannot be. */
    record Entry(Path path, Optional<String> error) {}

    /** More files than any knowledge base should take in one job; a larger folder is refused, not cut short. */
    static final int MAX_FILES = 100_000;

    private FileSet() {
    }

    static List<Entry> expand(List<Path> inputs) {
        List<Entry> entries = new ArrayList<>();
        for (Path input : inputs) {
            if (Files.isDirectory(input)) {
                entries.addAll(folder(input));
            } else if (Files.exists(input)) {
                entries.add(new Entry(input, Optional.empty()));
            } else {
                entries.add(new Entry(input, Optional.of("no such file or folder")));
            }
        }
        if (entries.size() > MAX_FILES) {
            throw new KnowledgeBaseException(KnowledgeBaseException.Kind.INVALID, "an add takes at most " + MAX_FILES
                    + " files; " + inputs + " hold " + entries.size() + ": add their folders one at a time");
        }
        return entries;
    }

    private static List<Entry> folder(Path folder) {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(p -> !p.equals(folder) && Files.isRegularFile(p) && !hidden(folder.relativize(p)))
                    .sorted()
                    .map(p -> new Entry(p, Optional.<String>empty()))
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            return List.of(new Entry(folder, Optional.of("cannot list the folder: " + e.getMessage())));
        }
    }

    /** Whether any part of {@code relative} starts with a dot ({@code .git}, {@code .DS_Store}). */
    private static boolean hidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
