package dev.hearth.model.sampling;

import java.util.Arrays;

/**
 * Discourages tokens seen among the last {@code window} accepted tokens. For a token seen
 * {@code count} times there: the repetition penalty divides its logit if positive and multiplies
 * it if negative (llama.cpp's fix to CTRL, whose plain division would make negative logits more
 * likely), then {@code count * frequency + presence} is subtracted (OpenAI's penalties).
 */
final class Penalties implements Sampler {
    private final int window;
    private final float repetition;
    private final float frequency;
    private final float presence;
    private final int[] recent; // ring buffer of the last accepted tokens
    private int recentCount;
    private int next;
    private int[] counts = new int[0]; // per token id: occurrences in the ring buffer; grows on demand

    Penalties(int window, float repetition, float frequency, float presence) {
        this.window = SamplingParams.checkPenaltyWindow(window);
        this.repetition = SamplingParams.checkRepetitionPenalty(repetition);
        this.frequency = SamplingParams.checkFrequencyPenalty(frequency);
        this.presence = SamplingParams.checkPresencePenalty(presence);
        this.recent = new int[window];
    }

    @Override
    public void apply(Candidates candidates) {
        if (recentCount == 0) {
            return;
        }
        for (int i = 0; i < candidates.size(); i++) {
            int token = candidates.token(i);
            int count = token < counts.length ? counts[token] : 0;
            if (count > 0) {
                float logit = candidates.logit(i);
                logit = logit <= 0 ? logit * repetition : logit / repetition;
                candidates.setLogit(i, logit - (count * frequency + presence));
            }
        }
    }

    @Override
    public void accept(int token) {
        if (token < 0) {
            throw new IllegalArgumentException("token ids are >= 0, got " + token);
        }
        if (window == 0) {
            return;
        }
        if (recentCount == window) {
            counts[recent[next]]--;
        } else {
            recentCount++;
        }
        recent[next] = token;
        next = (next + 1) % window;
        if (token >= counts.length) {
            counts = Arrays.copyOf(counts, Math.max(token + 1, 2 * counts.length));
        }
        counts[token]++;
    }

    @Override
    public void reset() {
        Arrays.fill(counts, 0);
        recentCount = 0;
        next = 0;
    }

    @Override
    public String toString() {
        return "Penalties[window=" + window + ", repetition=" + repetition + ", frequency=" + frequency
                + ", presence=" + presence + "]";
    }
}
