package dev.hearth.kb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The folders files may be added from, compared as real paths (links resolved), so neither
 * {@code ..} nor a symbolic link reaches outside them. No folders means any file.
 */
final class AllowedRoots {
    private final List<Path> roots;

    private AllowedRoots(List<Path> roots) {
        this.roots = roots;
    }

    static AllowedRoots of(List<Path> folders) {
        return new AllowedRoots(folders.stream().map(AllowedRoots::real).toList());
    }

    /** Why {@code realFile} may not be added, if it may not. */
    Optional<String> check(Path realFile) {
        if (roots.isEmpty() || roots.stream().anyMatch(realFile::startsWith)) {
            return Optional.empty();
        }
        return Optional.of("outside the folders files may be added from (" + roots + ")");
    }

    private static Path real(Path folder) {
        try {
            return folder.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("an allowed folder must exist: " + folder, e);
        }
    }
}
