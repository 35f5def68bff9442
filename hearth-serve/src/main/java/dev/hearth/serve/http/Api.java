package dev.hearth.serve.http;

import io.javalin.config.RoutesConfig;

/**
 * One API a {@link HearthServer} serves (OpenAI's, Ollama's, the web page): its routes, and the
 * shape its errors take. The server does what every route shares: API keys, the in-flight count
 * for graceful shutdown, request logging, metrics, and turning exceptions into error responses.
 *
 * <p>To add routes, implement this and pass it to {@link HearthServer#create}. A handler reads its
 * body with {@link Fields#readBody}, takes a model from {@link ApiContext#registry()} in a
 * try-with-resources, runs completions through {@link CompletionEvents}, streams with
 * {@link EventStream}, and throws {@link ApiException} (or lets the registry's and engine's
 * exceptions through) for errors; the server renders them with {@link #errorFormat()} for every
 * path under {@link #pathPrefix()}.
 */
public interface Api {

    /** The path every route of this API starts with, e.g. {@code /v1}; {@code ""} for the root. */
    String pathPrefix();

    /** How this API's errors look. */
    ErrorFormat errorFormat();

    /** Registers this API's routes (Javalin's {@code get}, {@code post}, …). */
    void addRoutes(RoutesConfig routes, ApiContext context);

    /**
     * Whether {@code path}, one of this API's, may be fetched without a key when the server
     * requires keys: true only for what holds nothing secret and that a browser fetches before it
     * can send a key (a web page and its scripts). False for every path unless overridden.
     */
    default boolean isPublic(String path) {
        return false;
    }
}
