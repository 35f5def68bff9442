package dev.hearth.model.runtime;

import java.nio.file.Path;

/**
 * A model file cannot be run as asked: an unknown architecture, a missing or malformed tensor, a
 * hyperparameter out of range, or a request (context length) the model does not allow. The message
 * names the file, the tensor or metadata key, and what was expected versus found; it is meant to
 * be shown to the user as it is.
 */
public final class ModelLoadException extends RuntimeException {
    private final String field;

    /**
     * @param file the model file, or null for a model built in memory
     * @param field the tensor name or metadata key the problem is about
     */
    public ModelLoadException(Path file, String field, String problem) {
        super((file == null ? "" : file + ": ") + field + ": " + problem);
        this.field = field;
    }

    /** The tensor name or metadata key the problem is about. */
    public String field() {
        return field;
    }
}
