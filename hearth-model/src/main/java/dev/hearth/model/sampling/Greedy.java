package dev.hearth.model.sampling;

/** Selects the highest logit; on a tie, the entry that comes first. */
record Greedy() implements Sampler {

    @Override
    public void apply(Candidates candidates) {
        int best = 0;
        for (int i = 1; i < candidates.size(); i++) {
            if (candidates.logit(i) > candidates.logit(best)) {
                best = i;
            }
        }
        candidates.select(best);
    }
}
