package dev.hearth.model.generate;

import dev.hearth.model.sampling.SamplingParams;

import java.util.List;
import java.util.Objects;

/**
 * What one generation asks for.
 *
 * @param sampling how each token is chosen; every generation gets a fresh sampler chain, so a
 *     seeded one repeats itself exactly
 * @param maxTokens the most new tokens (0: run the prompt only)
 * @param stopStrings texts that end the generation; the first to appear, and everything after it,
 *     is never emitted
 */
public record GenerationParams(SamplingParams sampling, int maxTokens, List<String> stopStrings) {

    public GenerationParams {
        Objects.requireNonNull(sampling, "sampling");
        if (maxTokens < 0) {
            throw new IllegalArgumentException("max_tokens must be >= 0, got " + maxTokens);
        }
        stopStrings = List.copyOf(stopStrings);
        if (stopStrings.contains("")) {
            throw new IllegalArgumentException("stop strings must not be empty");
        }
    }

    /** These sampling parameters, at most {@code maxTokens} new tokens, no stop strings. */
    public static GenerationParams of(SamplingParams sampling, int maxTokens) {
        return new GenerationParams(sampling, maxTokens, List.of());
    }

    /** The most likely token every step, at most {@code maxTokens} of them. */
    public static GenerationParams greedy(int maxTokens) {
        return of(SamplingParams.defaults().withTemperature(0), maxTokens);
    }

    public GenerationParams withSampling(SamplingParams sampling) {
        return new GenerationParams(sampling, maxTokens, stopStrings);
    }

    public GenerationParams withMaxTokens(int maxTokens) {
        return new GenerationParams(sampling, maxTokens, stopStrings);
    }

    public GenerationParams withStopStrings(List<String> stopStrings) {
        return new GenerationParams(sampling, maxTokens, stopStrings);
    }
}
