package dev.hearth.model.sampling;

import java.util.SplittableRandom;

/**
 * Selects a token at random with the softmax probabilities of the candidates. Each call draws
 * exactly one number from a {@link SplittableRandom}, whose sequence for a seed is fixed by its
 * specification; with {@link Candidates#computeProbabilities}' strict arithmetic, the same seed
 * and logits give the same tokens on every machine and JDK.
 */
final class RandomDraw implements Sampler {
    private final long seed;
    private SplittableRandom random;

    RandomDraw(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    @Override
    public void apply(Candidates candidates) {
        candidates.computeProbabilities();
        double total = 0;
        for (int i = 0; i < candidates.size(); i++) {
            total += candidates.probability(i);
        }
        // u < 1, so target < total and the strict comparison never picks a zero-probability token
        double target = random.nextDouble() * total;
        double cumulative = 0;
        for (int i = 0; i < candidates.size(); i++) {
            cumulative += candidates.probability(i);
            if (cumulative > target) {
                candidates.select(i);
                return;
            }
        }
        throw new IllegalStateException("probabilities do not add up (NaN or +∞ logits?)");
    }

    @Override
    public void reset() {
        random = new SplittableRandom(seed);
    }

    @Override
    public String toString() {
        return "RandomDraw[seed=" + seed + "]";
    }
}
