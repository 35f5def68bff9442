package dev.hearth.serve.registry;

/**
 * A served model cannot be used now: loading it would overrun the memory budget while the models
 * that hold it are busy, or the server is shutting down. Retrying later may succeed.
 */
public final class ModelUnavailableException extends RuntimeException {
    private final int retryAfterSeconds;

    public ModelUnavailableException(String message, int retryAfterSeconds) {
        super(message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** A hint for clients ({@code Retry-After}), in seconds. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
