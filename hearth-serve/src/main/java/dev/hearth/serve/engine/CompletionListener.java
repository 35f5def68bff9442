package dev.hearth.serve.engine;

/**
 * Receives one completion's output, on the engine's thread: {@link #onToken} for each generated
 * token, then exactly one of {@link #onComplete} or {@link #onError}.
 */
public interface CompletionListener {

    /** A token was generated; {@link TokenOutput#text()} is the text it released (may be empty). */
    void onToken(TokenOutput output);

    /** The completion ended; {@code result} holds the whole text and why it stopped. */
    void onComplete(CompletionResult result);

    /** The completion failed; nothing more follows. */
    void onError(Throwable error);
}
