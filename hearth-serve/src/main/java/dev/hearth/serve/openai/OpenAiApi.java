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
    private final ChatGrounding grounding;

    private OpenAiApi(ChatOutputs outputs, ChatGrounding grounding) {
        this.outputs = Objects.requireNonNull(outputs, "outputs");
        this.grounding = Objects.requireNonNull(grounding, "grounding");
    }

    /**
     * {@code response_format} and forced tool calls enforced by constrained decoding, tool calls
     * read in each model's own format ({@link ChatOutputs#standard()}).
     */
    public static OpenAiApi create() {
        return new OpenAiApi(ChatOutputs.standard(), ChatGrounding.none());
    }

    /** Chat output shaped by {@code outputs}: constrained decoding and tool-call parsing. */
    public static OpenAiApi create(ChatOutputs outputs) {
        return new OpenAiApi(outputs, ChatGrounding.none());
    }

    /**
     * As {@link #create()}, and chat over the ids {@code grounding} claims (a knowledge base's
     * {@code kb:NAME}), which {@code /v1/models} lists too.
     */
    public static OpenAiApi create(ChatGrounding grounding) {
        return new OpenAiApi(ChatOutputs.standard(), grounding);
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
        ModelsHandler models = new ModelsHandler(context.registry(), grounding);
        routes.post("/v1/chat/completions", new ChatCompletionsHandler(context, outputs, grounding));
        routes.post("/v1/completions", new TextCompletionsHandler(context));
        routes.post("/v1/embeddings", new EmbeddingsHandler(context));
        routes.get("/v1/models", models::list);
        routes.get("/v1/models/{id}", models::get);
        routes.get("/lora-adapters", ctx -> LoraFields.list(ctx, context.registry()));
    }
}
