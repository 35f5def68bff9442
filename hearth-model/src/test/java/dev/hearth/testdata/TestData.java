package dev.hearth.testdata;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;

/**
 * Locates {@code ../shared/testdata} (the read-only reference models and vocabularies).
 *
 * <p>In a user's fresh clone the folder may be absent: tests that need it are skipped with a loud
 * message. Under CI ({@code CI=true}) its absence is a failure, never a skip.
 */
public final class TestData {
    private TestData() {}

    /** The test-data root; skips (or fails under CI) when it is missing. */
    public static Path root() {
        String configured = System.getProperty("hearth.testdata");
        Path dir = configured != null ? Path.of(configured) : Path.of("..", "shared", "testdata");
        dir = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            String message = "TEST DATA MISSING: " + dir + " does not exist; tests that need "
                    + "../shared/testdata cannot run";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(message + " (CI=true: this is a failure)");
            }
            System.err.println("*** " + message + " — SKIPPED ***");
            Assumptions.abort(message);
        }
        return dir;
    }

    /** A file under the test-data root, which must exist. */
    public static Path file(String relative) {
        Path file = root().resolve(relative);
        if (!Files.exists(file)) {
            throw new AssertionError("test data file missing: " + file);
        }
        return file;
    }
}
