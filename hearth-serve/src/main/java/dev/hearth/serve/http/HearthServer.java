package dev.hearth.serve.http;

import dev.hearth.serve.registry.ModelRegistry;

import java.util.List;
import java.util.function.Consumer;

/**
 * Hearth's HTTP server: the {@link Api}s it is given (OpenAI's, Ollama's, …) over the models of
 * a {@link ModelRegistry}, plus {@code GET /health} ({@code {"status":"ok"}}, never behind a key)
 * and {@code GET /metrics} (Prometheus text).
 *
 * <p>Every route but {@code /health} and those an {@link Api} declares {@linkplain Api#isPublic public}
 * requires {@code Authorization: Bearer KEY} when {@link ServerConfig#apiKeys()} holds keys. Each answered request goes to the request log as one
 * line, {@code METHOD /path STATUS MSms}: no query string, header or body, so no key or prompt.
 *
 * <p>{@link #stop()} is graceful: the server stops accepting connections, refuses new requests on
 * open ones (503), lets the requests in flight finish for up to
 * {@link ServerConfig#shutdownTimeout()}, then has the engines cancel what is left, and returns
 * once every request has ended. The registry (and its engines) stays open: its owner closes it.
 */
public interface HearthServer extends AutoCloseable {

    /**
     * A server, not yet listening.
     *
     * @param requestLog where request lines go (standard error, for the command line)
     */
    static HearthServer create(ServerConfig config, ModelRegistry registry, List<Api> apis, Consumer<String> requestLog) {
        return new JavalinServer(config, registry, apis, requestLog);
    }

    /**
     * Binds and starts serving.
     *
     * @throws IllegalStateException if the address cannot be bound (a port in use, say)
     */
    HearthServer start();

    /** The port it listens on (the one chosen, when configured with port 0). */
    int port();

    /** Where it listens, e.g. {@code http://127.0.0.1:8080}. */
    String url();

    /** Shuts down gracefully (see the class comment); does nothing the second time. */
    void stop();

    @Override
    default void close() {
        stop();
    }
}
