package dev.hearth.serve.engine;

/** The engine cannot take a request now: its queue is full, or it is shutting down. */
public final class EngineOverloadedException extends RuntimeException {
    private final int retryAfterSeconds;

    public EngineOverloadedException(String message, int retryAfterSeconds) {
        super(message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** A hint for clients ({@code Retry-After}), in seconds. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
