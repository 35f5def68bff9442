package dev.hearth.model.sampling;

/** Keeps the k highest logits, sorted; ties at the boundary go to the entry that comes first. */
record TopK(int k) implements Sampler {

    TopK {
        if (k < 1) {
            throw new IllegalArgumentException("top_k must be >= 1, got " + k);
        }
    }

    @Override
    public void apply(Candidates candidates) {
        if (k < candidates.size()) {
            candidates.sortDescending(k);
            candidates.truncate(k);
        }
    }
}
