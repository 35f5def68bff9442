package dev.hearth.model.sampling;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Samplers applied in order, the last of which selects a token (greedy or a random draw). The
 * chain is itself a {@link Sampler}, so chains nest. Not thread-safe: one chain per sequence.
 */
public final class SamplerChain implements Sampler {
    private final List<Sampler> samplers;

    SamplerChain(List<Sampler> samplers) {
        this.samplers = List.copyOf(samplers);
    }

    /** The samplers in the order they are applied. */
    public List<Sampler> samplers() {
        return samplers;
    }

    /**
     * Chooses the next token: applies every sampler to the candidates (which the caller has just
     * {@linkplain Candidates#fill filled}), tells every sampler the chosen token, and returns it.
     *
     * @throws IllegalStateException if no sampler selected a token, i.e. the chain does not end
     *     with a selecting sampler
     */
    public int sample(Candidates candidates) {
        candidates.clearSelection();
        apply(candidates);
        if (candidates.selectedIndex() < 0) {
            throw new IllegalStateException("no token was selected: end the chain with greedy() or randomDraw(seed)");
        }
        int token = candidates.selectedToken();
        accept(token);
        return token;
    }

    @Override
    public void apply(Candidates candidates) {
        for (Sampler sampler : samplers) {
            sampler.apply(candidates);
        }
    }

    @Override
    public void accept(int token) {
        for (Sampler sampler : samplers) {
            sampler.accept(token);
        }
    }

    @Override
    public void reset() {
        for (Sampler sampler : samplers) {
            sampler.reset();
        }
    }

    @Override
    public String toString() {
        return samplers.stream().map(Object::toString).collect(Collectors.joining(" → "));
    }
}
