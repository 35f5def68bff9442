package dev.hearth.model.sampling;

/**
 * One step of choosing the next token: narrows, reweighs or selects among {@link Candidates}.
 * {@link #apply} is the only required method; a {@link SamplerChain} is itself a sampler.
 *
 * <p>Samplers with history (penalties) learn each chosen token through {@link #accept}; a
 * chain forwards it to all of its samplers. Instances are not thread-safe: one per sequence.
 * Build them with {@link Samplers}.
 */
public interface Sampler {

    /** Modifies the candidates in place: changes logits, drops candidates, or selects one. */
    void apply(Candidates candidates);

    /** Records a token that was chosen (or forced, such as a prompt token) for this sequence. */
    default void accept(int token) {}

    /** Forgets the history of the sequence and restarts any random generator from its seed. */
    default void reset() {}
}
