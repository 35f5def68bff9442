package dev.hearth.kb.store;

import java.util.Objects;

/** Why one file of an ingestion job failed. */
public record FileError(String file, String message) {
    public FileError {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(message, "message");
    }
}
