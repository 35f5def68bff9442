package dev.hearth.serve.openai;

import com.fasterxml.jackson.databind.JsonNode;

import dev.hearth.model.sampling.SamplingParams;
import dev.hearth.serve.engine.CompletionRequest;
import dev.hearth.serve.http.ApiException;
import dev.hearth.serve.http.Fields;
import dev.hearth.serve.http.Limits;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** Reads the fields of {@link GenerationOptions} from a chat or text completion request. */
final class GenerationFields {
    /** The most stop strings (OpenAI allows 4; llama.cpp any number). */
    static final int MAX_STOP_STRINGS = 16;

    private GenerationFields() {}

    /**
     * @param defaultMaxTokens the limit when the request names none (OpenAI's text completions: 16)
     * @param topLogprobs how the request asked for log-probabilities (chat and text completions differ)
     */
    static GenerationOptions parse(Fields body, Limits limits, int defaultMaxTokens, int topLogprobs) {
        String maxName = body.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        int maxTokens = (int) body.integer(maxName, 1, limits.maxTokens()).orElse(Math.min(defaultMaxTokens, limits.maxTokens()));
        int n = (int) body.integer("n", 1, limits.maxChoices()).orElse(1);
        rejectUnsupported(body);

        SamplingParams s = SamplingParams.defaults();
        float temperature = (float) body.number("temperature", 0, 2).orElse(s.temperature());
        double topP = body.number("top_p", 0, 1).orElse(s.topP());
        if (topP == 0) { // OpenAI allows 0: only the likeliest token is left, which is greedy
            temperature = 0;
            topP = 1;
        }
        int topK = (int) body.integer("top_k", 0, Integer.MAX_VALUE).orElse(s.topK());
        float minP = (float) body.number("min_p", 0, 1).orElse(s.minP());
        float repetition = (float) body.number("repetition_penalty", 0, 10).orElse(s.repetitionPenalty());
        if (repetition == 0) {
            throw ApiException.invalid("repetition_penalty", "repetition_penalty must be > 0 (1 turns it off), got 0");
        }
        float presence = (float) body.number("presence_penalty", -2, 2).orElse(s.presencePenalty());
        float frequency = (float) body.number("frequency_penalty", -2, 2).orElse(s.frequencyPenalty());
        OptionalLong seed = body.integer("seed", Long.MIN_VALUE, Long.MAX_VALUE);
        SamplingParams sampling = new SamplingParams(temperature, topK, (float) topP, minP, repetition, presence, frequency,
                s.penaltyWindow(), seed);

        boolean stream = body.bool("stream").orElse(false);
        boolean includeUsage = false;
        var streamOptions = body.object("stream_options");
        if (streamOptions.isPresent()) {
            includeUsage = streamOptions.get().bool("include_usage").orElse(false);
        }
        return new GenerationOptions(maxTokens, sampling, stop(body), n, topLogprobs, stream, includeUsage,
                LoraFields.parse(body));
    }

    /** Chat's {@code logprobs} (true/false) and {@code top_logprobs} (0–20, only with logprobs). */
    static int chatLogprobs(Fields body) {
        boolean logprobs = body.bool("logprobs").orElse(false);
        var top = body.integer("top_logprobs", 0, CompletionRequest.MAX_TOP_LOGPROBS);
        if (top.isPresent() && !logprobs) {
            throw ApiException.invalid("top_logprobs", "top_logprobs needs logprobs set to true");
        }
        return logprobs ? (int) top.orElse(0) : -1;
    }

    /** Text completions' {@code logprobs}: the number of likeliest alternatives, 0–5 (OpenAI's limit). */
    static int textLogprobs(Fields body) {
        return (int) body.integer("logprobs", 0, 5).orElse(-1);
    }

    private static List<String> stop(Fields body) {
        JsonNode stop = body.raw("stop");
        if (stop == null) {
            return List.of();
        }
        List<String> strings = new ArrayList<>();
        if (stop.isTextual()) {
            strings.add(stop.textValue());
        } else if (stop.isArray()) {
            for (JsonNode s : stop) {
                if (!s.isTextual()) {
                    throw ApiException.invalid("stop", "stop must be a string or an array of strings, got an array holding "
                            + Fields.describe(s));
                }
                strings.add(s.textValue());
            }
        } else {
            throw body.wrongType("stop", "a string or an array of strings", stop);
        }
        if (strings.size() > MAX_STOP_STRINGS) {
            throw ApiException.invalid("stop", "stop may hold at most " + MAX_STOP_STRINGS + " strings, got " + strings.size());
        }
        if (strings.contains("")) {
            throw ApiException.invalid("stop", "stop strings must not be empty");
        }
        return strings;
    }

    /** Fields whose meaning this server cannot honour: refused rather than silently ignored. */
    private static void rejectUnsupported(Fields body) {
        JsonNode logitBias = body.raw("logit_bias");
        if (logitBias != null && !(logitBias.isObject() && logitBias.isEmpty())) {
            throw ApiException.invalid("logit_bias", "logit_bias is not supported by this server");
        }
        if (body.integer("best_of", 1, Integer.MAX_VALUE).orElse(1) > 1) {
            throw ApiException.invalid("best_of", "best_of is not supported by this server");
        }
    }
}
