package dev.hearth.serve.registry;

/**
 * A served model's file could not be opened (broken, unsupported, or gone). The message names the
 * model, not the file, since it goes to API clients; the cause says what went wrong.
 */
public final class ModelLoadFailedException extends RuntimeException {

    public ModelLoadFailedException(String model, Throwable cause) {
        super("the model '" + model + "' could not be loaded", cause);
    }
}
