package dev.hearth.model.sampling;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * How to choose tokens, with llama.cpp's defaults and OpenAI's parameter names in error messages.
 * Each filter has a value that turns it off, noted below.
 *
 * @param temperature divides the logits; 0 means greedy (always the most likely token)
 * @param topK keep the k most likely tokens; 0 turns it off
 * @param topP keep the most likely tokens whose probabilities add up to at least p; 1 turns it off
 * @param minP keep tokens at least p times as likely as the most likely one; 0 turns it off
 * @param repetitionPenalty divides positive and multiplies negative logits of recent tokens; 1 turns it off
 * @param presencePenalty subtracted once from the logit of every recent token; 0 turns it off
 * @param frequencyPenalty subtracted from a recent token's logit once per occurrence; 0 turns it off
 * @param penaltyWindow how many of the last tokens the penalties look at; 0 turns them off
 * @param seed seeds the random draw; when absent a random seed is used
 */
public record SamplingParams(
        float temperature,
        int topK,
        float topP,
        float minP,
        float repetitionPenalty,
        float presencePenalty,
        float frequencyPenalty,
        int penaltyWindow,
        OptionalLong seed) {

    public SamplingParams {
        checkTemperature(temperature);
        checkTopK(topK);
        checkTopP(topP);
        checkMinP(minP);
        checkRepetitionPenalty(repetitionPenalty);
        checkPresencePenalty(presencePenalty);
        checkFrequencyPenalty(frequencyPenalty);
        checkPenaltyWindow(penaltyWindow);
        Objects.requireNonNull(seed, "seed");
    }

    /** llama.cpp's defaults: temperature 0.8, top-k 40, top-p 0.95, min-p 0.05, penalties off. */
    public static SamplingParams defaults() {
        return new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1.0f, 0.0f, 0.0f, 64, OptionalLong.empty());
    }

    public SamplingParams withTemperature(float temperature) {
        return new SamplingParams(temperature, topK, topP, minP, repetitionPenalty, presencePenalty,
                frequencyPenalty, penaltyWindow, seed);
    }

    public SamplingParams withSeed(long seed) {
        return new SamplingParams(temperature, topK, topP, minP, repetitionPenalty, presencePenalty,
                frequencyPenalty, penaltyWindow, OptionalLong.of(seed));
    }

    /** Whether any penalty would change a logit. */
    boolean penalizes() {
        return penaltyWindow > 0 && (repetitionPenalty != 1.0f || presencePenalty != 0.0f || frequencyPenalty != 0.0f);
    }

    // The checks below are shared with the factories in Samplers. Written so that NaN fails them.

    static float checkTemperature(float value) {
        return check(value >= 0 && value < Float.POSITIVE_INFINITY, "temperature must be finite and >= 0", value);
    }

    static int checkTopK(int value) {
        check(value >= 0, "top_k must be >= 0 (0 turns it off)", value);
        return value;
    }

    static float checkTopP(float value) {
        return check(value > 0 && value <= 1, "top_p must be in (0, 1]", value);
    }

    static float checkMinP(float value) {
        return check(value >= 0 && value <= 1, "min_p must be in [0, 1]", value);
    }

    static float checkRepetitionPenalty(float value) {
        return check(value > 0 && value < Float.POSITIVE_INFINITY, "repetition_penalty must be finite and > 0", value);
    }

    static float checkPresencePenalty(float value) {
        return check(value >= -2 && value <= 2, "presence_penalty must be in [-2, 2]", value);
    }

    static float checkFrequencyPenalty(float value) {
        return check(value >= -2 && value <= 2, "frequency_penalty must be in [-2, 2]", value);
    }

    static int checkPenaltyWindow(int value) {
        check(value >= 0, "penalty_window must be >= 0 (0 turns the penalties off)", value);
        return value;
    }

    private static float check(boolean valid, String rule, float value) {
        if (!valid) {
            throw new IllegalArgumentException(rule + ", got " + value);
        }
        return value;
    }

    private static void check(boolean valid, String rule, int value) {
        if (!valid) {
            throw new IllegalArgumentException(rule + ", got " + value);
        }
    }
}
