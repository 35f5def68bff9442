package dev.hearth.serve.openai;

import dev.hearth.model.generate.StopReason;
import dev.hearth.serve.engine.CompletionRequest;
import dev.hearth.serve.engine.CompletionResult;
import dev.hearth.serve.engine.ContextLengthExceededException;
import dev.hearth.serve.http.ApiContext;
import dev.hearth.serve.http.ApiException;
import dev.hearth.serve.http.CompletionEvents;
import dev.hearth.serve.registry.ModelLease;
import dev.hearth.serve.registry.ModelRegistry;
import dev.hearth.serve.registry.ModelStatus;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

/** The steps every OpenAI generation route shares: the model, the submission, ids. */
final class Submission {
    /** While nothing comes from the engine, how often a stream writes a keep-alive (and so notices a client gone). */
    static final Duration KEEP_ALIVE = Duration.ofSeconds(5);

    private Submission() {}

    /**
     * The named model; a request that names none gets the only model of a one-model server
     * (curl users need not know its name), and a 400 on a server with more.
     */
    static ModelLease lease(ModelRegistry registry, String model) {
        if (model != null) {
            return registry.acquire(model);
        }
        List<ModelStatus> models = registry.models();
        if (models.size() != 1) {
            throw ApiException.invalid("model", "model is required: this server serves " + models.size() + " models");
        }
        return registry.acquire(models.getFirst().name());
    }

    /** Submits {@code requests}; a prompt over the context is a 400 naming {@code promptField}. */
    static CompletionEvents submit(ApiContext context, ModelLease lease, List<CompletionRequest> requests, String promptField) {
        try {
            return CompletionEvents.submit(context, lease, requests);
        } catch (ContextLengthExceededException e) {
            throw ApiException.invalid(promptField, "context_length_exceeded", e.getMessage());
        }
    }

    /** A result the engine cancelled although the client is still there: the server is stopping. */
    static void checkNotCancelled(CompletionResult result) {
        if (result.reason() == StopReason.CANCELLED) {
            throw ApiException.unavailable("the server is shutting down; the completion was cancelled", 1);
        }
    }

    /** A fresh id such as {@code chatcmpl-3f1c…}. */
    static String id(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "");
    }

    static long now() {
        return System.currentTimeMillis() / 1000;
    }
}
