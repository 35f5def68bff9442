package dev.hearth.serve.ollama;

import dev.hearth.model.tokenizer.SpecialTokens;
import dev.hearth.model.tokenizer.Tokenizer;
import dev.hearth.serve.engine.ContextLengthExceededException;
import dev.hearth.serve.engine.InferenceEngine;
import dev.hearth.serve.http.ApiContext;
import dev.hearth.serve.http.ApiException;
import dev.hearth.serve.http.Fields;
import dev.hearth.serve.http.Json;
import dev.hearth.serve.ollama.Responses.Embedding;
import dev.hearth.serve.ollama.Responses.Embeddings;
import dev.hearth.serve.registry.ModelLease;

import com.fasterxml.jackson.databind.JsonNode;

import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * {@code POST /api/embed}: {@code input} (a string or an array of strings) to one L2-normalised
 * vector each. Each input is tokenized as the model wants, BOS and EOS added where its tokenizer
 * says to (a BERT model's CLS and SEP). An input longer than the context is cut to fit unless
 * {@code truncate} is false, which makes it a 400, as in Ollama. A model that cannot embed is a
 * 400 too. No input only loads the model. {@code dimensions} (shortened vectors) is refused.
 *
 * <p>Also {@code POST /api/embeddings}, the older form Ollama keeps (and its clients'
 * {@code embeddings()} still call): one {@code prompt}, one {@code {"embedding": […]}}.
 */
final class EmbedRoute {
    private final ApiContext api;

    EmbedRoute(ApiContext api) {
        this.api = api;
    }

    void embed(Context ctx) {
        long received = System.nanoTime();
        Fields body = Fields.readBody(ctx, api.limits().maxBodyBytes());
        String model = body.requiredString("model");
        List<String> inputs = inputs(body);
        boolean truncate = body.bool("truncate").orElse(true);
        if (body.has("dimensions")) {
            throw ApiException.invalid("dimensions", "dimensions: shortened embeddings are not supported");
        }
        try (ModelLease lease = api.registry().acquire(ModelNames.resolve(api.registry(), model))) {
            long loaded = System.nanoTime();
            InferenceEngine engine = embedder(lease, model);
            List<int[]> tokens = new ArrayList<>(inputs.size());
            for (int i = 0; i < inputs.size(); i++) {
                tokens.add(tokens(engine, inputs.get(i), truncate, "input[" + i + "]"));
            }
            List<float[]> vectors = tokens.isEmpty() ? List.of() : engine.embed(tokens);
            int count = tokens.stream().mapToInt(t -> t.length).sum();
            ctx.contentType(Completions.JSON).result(Json.write(new Embeddings(model, vectors,
                    System.nanoTime() - received, loaded - received, count)));
        }
    }

    /** The older endpoint: an empty prompt gives an empty vector, as in Ollama. */
    void embeddings(Context ctx) {
        Fields body = Fields.readBody(ctx, api.limits().maxBodyBytes());
        String model = body.requiredString("model");
        String prompt = body.string("prompt").orElse("");
        try (ModelLease lease = api.registry().acquire(ModelNames.resolve(api.registry(), model))) {
            InferenceEngine engine = embedder(lease, model);
            float[] vector = prompt.isEmpty() ? new float[0]
                    : engine.embed(List.of(tokens(engine, prompt, true, "prompt"))).getFirst();
            ctx.contentType(Completions.JSON).result(Json.write(new Embedding(vector)));
        }
    }

    private static InferenceEngine embedder(ModelLease lease, String model) {
        if (lease.engine().info().embeddingLength() == 0) {
            throw ApiException.invalid("model", "\"" + model + "\" does not support embeddings");
        }
        return lease.engine();
    }

    private List<String> inputs(Fields body) {
        JsonNode input = body.raw("input");
        if (input == null) {
            return List.of();
        }
        if (input.isTextual()) {
            return List.of(input.textValue());
        }
        if (!input.isArray()) {
            throw body.wrongType("input", "a string or an array of strings", input);
        }
        if (input.size() > api.limits().maxInputs()) {
            throw ApiException.invalid("input", "input holds " + input.size() + " texts; this server takes at most "
                    + api.limits().maxInputs());
        }
        List<String> texts = new ArrayList<>(input.size());
        for (int i = 0; i < input.size(); i++) {
            if (!input.get(i).isTextual()) {
                throw ApiException.invalid("input[" + i + "]", "input[" + i + "] must be a string, got "
                        + Fields.describe(input.get(i)));
            }
            texts.add(input.get(i).textValue());
        }
        return texts;
    }

    /** {@code text}'s tokens, BOS and EOS included as the model wants; {@code field} names it in errors. */
    private static int[] tokens(InferenceEngine engine, String text, boolean truncate, String field) {
        Tokenizer tokenizer = engine.tokenizer();
        SpecialTokens special = tokenizer.specialTokens();
        IntStream.Builder ids = IntStream.builder();
        if (special.addBos() && special.bos().isPresent()) {
            ids.add(special.bos().getAsInt());
        }
        IntStream.of(tokenizer.encode(text)).forEach(ids::add);
        if (special.addEos() && special.eos().isPresent()) {
            ids.add(special.eos().getAsInt());
        }
        int[] tokens = ids.build().toArray();
        int context = engine.info().contextLength();
        if (tokens.length == 0) {
            throw ApiException.invalid(field, field + " makes no tokens");
        }
        if (tokens.length > context) {
            if (!truncate) {
                throw new ContextLengthExceededException(tokens.length, context);
            }
            return Arrays.copyOf(tokens, context);
        }
        return tokens;
    }
}
