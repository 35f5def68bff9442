package dev.hearth.serve.http;

import dev.hearth.model.template.TemplateException;
import dev.hearth.serve.engine.ContextLengthExceededException;
import dev.hearth.serve.engine.EngineOverloadedException;
import dev.hearth.serve.engine.LoraAdapterException;
import dev.hearth.serve.engine.ModelCannotGenerateException;
import dev.hearth.serve.registry.ModelLoadFailedException;
import dev.hearth.serve.registry.ModelUnavailableException;
import dev.hearth.serve.registry.UnknownModelException;

import io.javalin.http.HttpResponseException;
import io.javalin.router.EndpointNotFound;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what a handler throws into the {@link ApiException} the client sees. The engine's and the
 * registry's exceptions have fixed meanings (overloaded → 503 with {@code Retry-After}, a prompt
 * over the context → 400 {@code context_length_exceeded}, an unknown LoRA adapter → 400 naming
 * {@code lora}, an unknown model → 404); anything
 * unexpected is a 500 whose message says nothing of the server's insides, with the stack trace
 * in the server's log.
 */
final class Errors {
    private static final Logger LOG = LoggerFactory.getLogger(Errors.class);

    private Errors() {}

    static ApiException toApi(Throwable error) {
        return switch (error) {
            case ApiException e -> e;
            case UnknownModelException e -> ApiException.modelNotFound(e.model());
            case ModelUnavailableException e -> ApiException.unavailable(e.getMessage(), e.retryAfterSeconds());
            case EngineOverloadedException e -> ApiException.unavailable(e.getMessage(), e.retryAfterSeconds());
            case ModelCannotGenerateException e -> ApiException.invalid("model", "model_cannot_generate", e.getMessage());
            case ContextLengthExceededException e -> ApiException.invalid(null, "context_length_exceeded", e.getMessage());
            case LoraAdapterException e -> ApiException.invalid("lora", e.getMessage());
            case TemplateException e -> ApiException.invalid("messages",
                    "the model's chat template cannot format these messages: " + e.problem());
            case ModelLoadFailedException e -> {
                LOG.warn("{}", e.getMessage(), e.getCause());
                yield new ApiException(500, "server_error", "model_load_failed", "model",
                        e.getMessage() + "; the server's log says why", 0);
            }
            case EndpointNotFound e -> new ApiException(404, "invalid_request_error", "not_found", null,
                    "there is no route " + e.getMessage().replaceFirst("^Endpoint ", "").replaceFirst(" not found$", ""), 0);
            case HttpResponseException e -> new ApiException(e.getStatus(), e.getStatus() >= 500 ? "server_error"
                    : "invalid_request_error", null, null, e.getMessage(), 0);
            default -> {
                LOG.warn("request failed", error);
                yield new ApiException(500, "server_error", null, null, "internal server error", 0);
            }
        };
    }
}
