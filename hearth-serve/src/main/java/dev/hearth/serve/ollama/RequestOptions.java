package dev.hearth.serve.ollama;

import dev.hearth.model.generate.GenerationParams;
import dev.hearth.model.sampling.SamplingParams;
import dev.hearth.serve.http.ApiException;
import dev.hearth.serve.http.Fields;
import dev.hearth.serve.http.Limits;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Ollama's {@code options}: how one request samples and how long it may run. The defaults are
 * Ollama's (temperature 0.8, top_k 40, top_p 0.9, min_p 0, repeat_penalty 1, repeat_last_n 64,
 * no token limit), not llama.cpp's, so that a client that sends no options gets what Ollama would
 * give it.
 *
 * <p>The options that tune how Ollama runs a model ({@code num_ctx}, {@code num_gpu},
 * {@code num_thread}, {@code num_batch}, …) are the operator's business on a Hearth server, and
 * the ones Hearth lacks ({@code typical_p}, {@code mirostat}, …) change nothing here; both are
 * ignored, as Ollama ignores options it does not know.
 *
 * @param repeatLastN tokens the penalties look back over; -1 for the whole context
 * @param seed seeds the draw; empty (Ollama's -1) for a random seed
 * @param numPredict the most tokens to generate; -1 when the request sets no limit
 */
record RequestOptions(
        float temperature,
        int topK,
        float topP,
        float minP,
        float repeatPenalty,
        float presencePenalty,
        float frequencyPenalty,
        int repeatLastN,
        OptionalLong seed,
        int numPredict,
        List<String> stop) {

    static final RequestOptions DEFAULTS =
            new RequestOptions(0.8f, 40, 0.9f, 0f, 1f, 0f, 0f, 64, OptionalLong.empty(), -1, List.of());

    /**
     * The request's {@code options}, each checked and named by its path on error.
     *
     * @throws ApiException 400 naming the option, e.g. {@code options.top_p}
     */
    static RequestOptions parse(Fields body, Limits limits) {
        Optional<Fields> given = body.object("options");
        if (given.isEmpty()) {
            return DEFAULTS;
        }
        Fields o = given.get();
        RequestOptions d = DEFAULTS;
        long seed = o.integer("seed", Long.MIN_VALUE, Long.MAX_VALUE).orElse(-1);
        return new RequestOptions(
                (float) o.number("temperature", 0, 100).orElse(d.temperature),
                (int) o.integer("top_k", 0, Integer.MAX_VALUE).orElse(d.topK),
                (float) positive(o, "top_p", 1).orElse(d.topP),
                (float) o.number("min_p", 0, 1).orElse(d.minP),
                (float) positive(o, "repeat_penalty", 100).orElse(d.repeatPenalty),
                (float) o.number("presence_penalty", -2, 2).orElse(d.presencePenalty),
                (float) o.number("frequency_penalty", -2, 2).orElse(d.frequencyPenalty),
                (int) o.integer("repeat_last_n", -1, Integer.MAX_VALUE).orElse(d.repeatLastN),
                seed < 0 ? OptionalLong.empty() : OptionalLong.of(seed),
                (int) Math.max(-1, o.integer("num_predict", -2, limits.maxTokens()).orElse(d.numPredict)),
                stops(o));
    }

    /**
     * What the engine runs: these options for a prompt of {@code promptTokens} in a context of
     * {@code contextLength}. With no {@code num_predict}, the generation may run to the server's
     * token limit or the end of the context, whichever comes first.
     */
    GenerationParams params(int contextLength, int promptTokens, Limits limits) {
        int window = repeatLastN < 0 ? contextLength : repeatLastN;
        SamplingParams sampling = new SamplingParams(temperature, topK, topP, minP, repeatPenalty, presencePenalty,
                frequencyPenalty, window, seed);
        int maxTokens = numPredict >= 0 ? numPredict
                : Math.min(limits.maxTokens(), Math.max(1, contextLength - promptTokens));
        return new GenerationParams(sampling, maxTokens, stop);
    }

    /** A number in {@code (0, max]}: 0 would turn the sampler into nonsense rather than off. */
    private static OptionalDouble positive(Fields o, String name, double max) {
        OptionalDouble value = o.number(name, 0, max);
        if (value.isPresent() && value.getAsDouble() == 0) {
            throw ApiException.invalid(o.path(name), o.path(name) + " must be in (0, " + (long) max + "], got 0");
        }
        return value;
    }

    private static List<String> stops(Fields o) {
        List<JsonNode> elements = o.array("stop");
        List<String> stops = new ArrayList<>(elements.size());
        for (int i = 0; i < elements.size(); i++) {
            JsonNode e = elements.get(i);
            if (!e.isTextual() || e.textValue().isEmpty()) {
                String path = o.path("stop") + "[" + i + "]";
                throw ApiException.invalid(path, path + " must be a non-empty string, got " + Fields.describe(e));
            }
            stops.add(e.textValue());
        }
        return List.copyOf(stops);
    }
}
