package dev.hearth.serve.openai;

import dev.hearth.model.generate.GenerationParams;
import dev.hearth.model.sampling.SamplingParams;
import dev.hearth.serve.engine.LoraChoice;

import java.util.List;
import java.util.Objects;

/**
 * The generation fields that chat and text completions share, validated.
 *
 * <p>Sampling starts from llama.cpp's defaults (temperature 0.8, top-k 40, top-p 0.95, min-p
 * 0.05), as llama.cpp's own server does for fields a request leaves out; what the request sets
 * replaces them. {@code top_k}, {@code min_p} and {@code repetition_penalty} are accepted as
 * llama.cpp and vLLM accept them.
 *
 * @param maxTokens the most tokens per choice ({@code max_completion_tokens} or {@code max_tokens},
 *     or the server's default)
 * @param sampling how tokens are chosen; with {@code n > 1} and a seed, choice {@code i} uses
 *     seed + i, so the choices differ but repeat
 * @param stop strings that end a choice, not included in it
 * @param n how many choices
 * @param topLogprobs -1: no log-probabilities; 0: the chosen token's; k: and the k likeliest
 * @param stream whether the answer is streamed
 * @param includeUsage whether a streamed answer ends with a usage chunk ({@code stream_options.include_usage})
 * @param lora the LoRA adapters to apply ({@code lora}, llama.cpp's field: {@link LoraFields})
 */
public record GenerationOptions(
        int maxTokens,
        SamplingParams sampling,
        List<String> stop,
        int n,
        int topLogprobs,
        boolean stream,
        boolean includeUsage,
        LoraChoice lora) {

    public GenerationOptions {
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(lora, "lora");
        stop = List.copyOf(stop);
    }

    /** The engine's parameters for choice {@code index}. */
    public GenerationParams params(int index) {
        SamplingParams s = sampling;
        if (index > 0 && s.seed().isPresent()) {
            s = s.withSeed(s.seed().getAsLong() + index);
        }
        return new GenerationParams(s, maxTokens, stop);
    }
}
