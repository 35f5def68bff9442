package dev.hearth.serve.engine;

import java.util.concurrent.CompletableFuture;

/** A queued or running completion. */
public interface Completion {

    /**
     * Asks the engine to stop it: at the next step it ends with
     * {@link dev.hearth.model.generate.StopReason#CANCELLED} and its KV blocks are freed. A client
     * that disconnects calls this. Does nothing once it has ended.
     */
    void cancel();

    /** Completes with the result, or exceptionally with the error the listener saw. */
    CompletableFuture<CompletionResult> result();
}
