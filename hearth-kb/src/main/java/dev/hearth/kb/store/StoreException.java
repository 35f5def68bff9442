package dev.hearth.kb.store;

/** The metadata store could not do what was asked: its database failed or is unavailable. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
