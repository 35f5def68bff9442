package dev.hearth.train.data;

import java.nio.file.Path;

/** Training data that cannot be used, naming the file and, where there is one, the line. */
public final class TrainingDataException extends RuntimeException {
    private final Path file;
    private final long line;

    public TrainingDataException(Path file, long line, String message) {
        super(file + (line > 0 ? ":" + line : "") + ": " + message);
        this.file = file;
        this.line = line;
    }

    public Path file() {
        return file;
    }

    /** The 1-based line, or 0 when the problem is not on a line. */
    public long line() {
        return line;
    }
}
