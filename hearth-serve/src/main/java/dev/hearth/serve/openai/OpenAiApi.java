package dev.hearth.serve.openai;

import dev.hearth.serve.http.Api;
import dev.hearth.serve.http.ApiContext;
import dev.hearth.serve.http.ErrorFormat;

import io.javalin.config.RoutesConfig;

import java.util.Objects;

/**
 * OpenAI's API under {@code /v1}: chat completions, text completions, embeddings and the model
 * list, with OpenAI's error shape. Which fields are honoured, and how, is said on each request
 * type ({@link ChatCompletionRequest}, {@link GenerationOptions}).
 */
public final class OpenAiApi implements Api {
    private final ChatOutputs outputs;

    private OpenAiApi(ChatOutputs outputs) {
        this.outputs = Objects.requireNonNull(outputs, "outputs");
    }

    /** Chat output as free text ({@link ChatOutputs#plainText()}). */
    public static OpenAiApi create() {
        return new OpenAiApi(ChatOutputs.plainText());
    }

    /** Chat output shaped by {@code outputs}: constrained decoding and tool-call parsing. */
    public static OpenAiApi create(ChatOutputs outputs) {
        return new OpenAiApi(outputs);
    }

    @Override
    public String pathPrefix() {
        return "/v1";
    }

    @Override
    public ErrorFormat errorFormat() {
        return ErrorFormat.OPENAI;
    }

    @Override
    public void addRoutes(RoutesConfig routes, ApiContext context) {
        ModelsHandler models = new ModelsHandler(context.registry());
        routes.post("/v1/chat/completions", new ChatCompletionsHandler(context, outputs));
        routes.post("/v1/completions", new TextCompletionsHandler(context));
        routes.post("/v1/embeddings", new EmbeddingsHandler(context));
        routes.get("/v1/models", models::list);
        routes.get("/v1/models/{id}", models::get);
    }
}
