package dev.hearth.model.sampling;

/**
 * A rule on which tokens may come next, for constrained decoding (JSON output, a grammar): before
 * each token is sampled, the tokens the rule forbids get a logit of minus infinity, so the output
 * always follows the rule whatever the sampler draws.
 *
 * <p>A constraint is stateful and belongs to one generation: it sees each chosen token through
 * {@link #accept}. Not thread-safe.
 */
public interface TokenConstraint {

    /**
     * Sets {@code logits[t]} to {@link Float#NEGATIVE_INFINITY} for every token {@code t} that may
     * not come next, leaving the others as they are. Leaves at least one token allowed while the
     * output is not {@link #complete()}.
     */
    void mask(float[] logits);

    /**
     * Records that {@code token} was chosen.
     *
     * @throws IllegalArgumentException if {@link #mask} would have forbidden it
     */
    void accept(int token);

    /** Whether the output so far is whole (a closed JSON value, say): the generation then ends. */
    boolean complete();
}
