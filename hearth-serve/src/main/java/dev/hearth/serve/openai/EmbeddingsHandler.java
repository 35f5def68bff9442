package dev.hearth.serve.openai;

import dev.hearth.model.tokenizer.SpecialTokenMode;
import dev.hearth.model.tokenizer.SpecialTokens;
import dev.hearth.model.tokenizer.Tokenizer;
import dev.hearth.serve.engine.ContextLengthExceededException;
import dev.hearth.serve.engine.EngineInfo;
import dev.hearth.serve.http.ApiContext;
import dev.hearth.serve.http.ApiException;
import dev.hearth.serve.http.Fields;
import dev.hearth.serve.http.Json;
import dev.hearth.serve.registry.ModelLease;

import io.javalin.http.Context;
import io.javalin.http.Handler;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.IntStream;

/**
 * {@code POST /v1/embeddings}: {@code input} is a string, an array of strings, an array of token
 * ids or an array of such arrays; each becomes one L2-normalised vector, as floats or (with
 * {@code encoding_format: base64}) little-endian float32 bytes in base64. Texts are tokenized as
 * untrusted content (no control tokens), with BOS and EOS as the model's metadata asks.
 */
final class EmbeddingsHandler implements Handler {
    private final ApiContext context;

    EmbeddingsHandler(ApiContext context) {
        this.context = context;
    }

    /** The response: {@code embedding} is a float array or a base64 string. */
    record Embeddings(String object, List<Embedding> data, String model, EmbeddingUsage usage) {}

    record Embedding(String object, int index, Object embedding) {}

    record EmbeddingUsage(int promptTokens, int totalTokens) {}

    @Override
    public void handle(Context ctx) throws Exception {
        Fields body = Fields.readBody(ctx, context.limits().maxBodyBytes());
        String modelName = body.string("model").orElse(null);
        String format = body.string("encoding_format").orElse("float");
        if (!format.equals("float") && !format.equals("base64")) {
            throw ApiException.invalid("encoding_format", "encoding_format must be 'float' or 'base64', got '" + format + "'");
        }
        var dimensions = body.integer("dimensions", 1, Integer.MAX_VALUE);
        try (ModelLease lease = Submission.lease(context.registry(), modelName)) {
            EngineInfo info = lease.engine().info();
            if (info.embeddingLength() == 0) {
                throw ApiException.invalid("model", "model " + lease.name() + " does not support embeddings");
            }
            if (dimensions.isPresent() && dimensions.getAsLong() != info.embeddingLength()) {
                throw ApiException.invalid("dimensions", "model " + lease.name() + " makes vectors of "
                        + info.embeddingLength() + " dimensions and cannot shorten them; got dimensions "
                        + dimensions.getAsLong());
            }
            Tokenizer tokenizer = lease.engine().tokenizer();
            List<int[]> inputs = TokenInputs.read(body, "input", info.vocabularySize(), context.limits().maxInputs(),
                    (text, path) -> encode(text, tokenizer, path));
            List<float[]> vectors;
            try {
                vectors = lease.engine().embed(inputs);
            } catch (ContextLengthExceededException e) {
                throw ApiException.invalid("input", "context_length_exceeded", e.getMessage());
            }
            List<Embedding> data = new ArrayList<>(vectors.size());
            for (int i = 0; i < vectors.size(); i++) {
                Object embedding = format.equals("base64") ? base64(vectors.get(i)) : vectors.get(i);
                data.add(new Embedding("embedding", i, embedding));
            }
            int tokens = inputs.stream().mapToInt(in -> in.length).sum();
            ctx.contentType("application/json")
                    .result(Json.write(new Embeddings("list", data, lease.name(), new EmbeddingUsage(tokens, tokens))));
        }
    }

    private static int[] encode(String text, Tokenizer tokenizer, String path) {
        if (text.isEmpty()) {
            throw ApiException.invalid(path, path + " must not be empty");
        }
        IntStream.Builder ids = IntStream.builder();
        SpecialTokens specials = tokenizer.specialTokens();
        if (specials.addBos() && specials.bos().isPresent()) {
            ids.add(specials.bos().getAsInt());
        }
        for (int id : tokenizer.encode(text, SpecialTokenMode.NONE)) {
            ids.add(id);
        }
        if (specials.addEos() && specials.eos().isPresent()) {
            ids.add(specials.eos().getAsInt());
        }
        return ids.build().toArray();
    }

    private static String base64(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(vector);
        return Base64.getEncoder().encodeToString(bytes.array());
    }
}
