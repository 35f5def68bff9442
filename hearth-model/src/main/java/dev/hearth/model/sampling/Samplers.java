package dev.hearth.model.sampling;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Builds samplers and chains of them. Every sampler it returns is for one sequence only. */
public final class Samplers {
    private Samplers() {}

    /** Selects the highest logit; on a tie, the candidate that comes first. */
    public static Sampler greedy() {
        return new Greedy();
    }

    /** Selects at random by softmax probability; the same seed and logits give the same tokens. */
    public static Sampler randomDraw(long seed) {
        return new RandomDraw(seed);
    }

    /** Divides the logits by {@code temperature} (>= 0); 0 keeps only the most likely token. */
    public static Sampler temperature(float temperature) {
        return new Temperature(temperature);
    }

    /** Keeps the {@code k} (>= 1) most likely tokens. */
    public static Sampler topK(int k) {
        return new TopK(k);
    }

    /** Keeps the most likely tokens whose probabilities add up to at least {@code p} in (0, 1]. */
    public static Sampler topP(float p) {
        return new TopP(p);
    }

    /** Keeps the tokens at least {@code p} (in [0, 1]) times as likely as the most likely one. */
    public static Sampler minP(float p) {
        return new MinP(p);
    }

    /**
     * Penalizes the tokens among the last {@code window} accepted ones: the repetition penalty
     * llama.cpp's way, then OpenAI's frequency and presence penalties.
     */
    public static Sampler penalties(int window, float repetition, float frequency, float presence) {
        return new Penalties(window, repetition, frequency, presence);
    }

    /** Applies the samplers in order; the last should select a token. */
    public static SamplerChain chain(Sampler... samplers) {
        return new SamplerChain(List.of(samplers));
    }

    /**
     * The chain for these parameters, in llama.cpp's default order: penalties → top-k → top-p →
     * min-p → temperature → random draw. Samplers that would change nothing are left out;
     * temperature 0 gives penalties → greedy, since every filter keeps the most likely token anyway.
     */
    public static SamplerChain fromParams(SamplingParams params) {
        List<Sampler> samplers = new ArrayList<>();
        if (params.penalizes()) {
            samplers.add(penalties(params.penaltyWindow(), params.repetitionPenalty(), params.frequencyPenalty(),
                    params.presencePenalty()));
        }
        if (params.temperature() == 0) {
            samplers.add(greedy());
            return new SamplerChain(samplers);
        }
        if (params.topK() > 0) {
            samplers.add(topK(params.topK()));
        }
        if (params.topP() < 1) {
            samplers.add(topP(params.topP()));
        }
        if (params.minP() > 0) {
            samplers.add(minP(params.minP()));
        }
        if (params.temperature() != 1) {
            samplers.add(temperature(params.temperature()));
        }
        samplers.add(randomDraw(params.seed().orElseGet(() -> ThreadLocalRandom.current().nextLong())));
        return new SamplerChain(samplers);
    }
}
