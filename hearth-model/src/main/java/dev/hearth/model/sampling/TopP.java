package dev.hearth.model.sampling;

/**
 * Nucleus sampling: keeps the most likely tokens until their probabilities add up to at least p,
 * and always at least one.
 */
record TopP(float p) implements Sampler {
    // Sort this many first: the nucleus is usually small, so a full sort of the vocabulary is rare.
    private static final int FIRST_SORT = 64;

    TopP {
        SamplingParams.checkTopP(p);
    }

    @Override
    public void apply(Candidates candidates) {
        if (p >= 1) {
            return;
        }
        candidates.computeProbabilities();
        double cumulative = 0;
        int sorted = 0;
        for (int i = 0; i < candidates.size(); i++) {
            if (i == sorted) { // widen the sorted prefix geometrically
                sorted = Math.min(candidates.size(), Math.max(FIRST_SORT, 2 * sorted));
                candidates.sortDescending(sorted);
            }
            cumulative += candidates.probability(i);
            if (cumulative >= p) {
                candidates.truncate(i + 1);
                return;
            }
        }
    }
}
