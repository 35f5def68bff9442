package dev.hearth.serve.ollama;

import dev.hearth.serve.http.Api;
import dev.hearth.serve.http.ApiContext;
import dev.hearth.serve.http.ErrorFormat;
import dev.hearth.serve.http.Json;
import dev.hearth.serve.ollama.Responses.ErrorBody;
import dev.hearth.serve.openai.ChatGrounding;

import io.javalin.config.RoutesConfig;

import java.util.Objects;

/**
 * Ollama's API under {@code /api}, so that tools written for Ollama (its CLI's API, the
 * {@code ollama} npm and Python clients, editors and chat front-ends) work against Hearth:
 * {@code POST /api/chat} and {@code /api/generate} (NDJSON streams), {@code GET /api/tags},
 * {@code POST /api/show}, {@code GET /api/ps}, {@code POST /api/embed} (and the older
 * {@code /api/embeddings}) and {@code GET /api/version}. Errors are Ollama's
 * {@code {"error": "message"}}.
 *
 * <p>Hearth serves the GGUF files its operator names, so the routes that manage Ollama's model
 * store (pull, push, create, copy, delete, blobs) are absent and answer 404; so is {@code /},
 * which is Hearth's web page, not Ollama's "Ollama is running".
 */
public final class OllamaApi implements Api {
    private static final ErrorFormat ERRORS = error -> Json.write(new ErrorBody(error.getMessage()));

    private final String version;
    private final ChatGrounding grounding;

    private OllamaApi(String version, ChatGrounding grounding) {
        this.version = Objects.requireNonNull(version, "version");
        this.grounding = Objects.requireNonNull(grounding, "grounding");
    }

    /**
     * @param version what {@code /api/version} reports: Hearth's version
     */
    public static OllamaApi create(String version) {
        return new OllamaApi(version, ChatGrounding.none());
    }

    /**
     * As {@link #create(String)}, and chat over the ids {@code grounding} claims (a knowledge
     * base's {@code kb:NAME}), which {@code /api/tags} lists too.
     */
    public static OllamaApi create(String version, ChatGrounding grounding) {
        return new OllamaApi(version, grounding);
    }

    @Override
    public String pathPrefix() {
        return "/api";
    }

    @Override
    public ErrorFormat errorFormat() {
        return ERRORS;
    }

    @Override
    public void addRoutes(RoutesConfig routes, ApiContext context) {
        CompletionRoutes completions = new CompletionRoutes(context, grounding);
        ModelRoutes models = new ModelRoutes(context, version, grounding);
        EmbedRoute embed = new EmbedRoute(context);
        routes.post("/api/chat", completions::chat);
        routes.post("/api/generate", completions::generate);
        routes.post("/api/embed", embed::embed);
        routes.post("/api/embeddings", embed::embeddings);
        routes.get("/api/tags", models::tags);
        routes.post("/api/show", models::show);
        routes.get("/api/ps", models::ps);
        routes.get("/api/version", models::version);
    }
}
