package dev.hearth.model.arch.transformer;

import dev.hearth.compute.kernels.Kernels;
import dev.hearth.model.lora.LoraSet;
import dev.hearth.model.lora.LoraTarget;
import dev.hearth.model.runtime.Batch;

/**
 * Adds the sequences' LoRA products to a target matrix's output, after the base product that all
 * of a step's rows share: the rows of sequence {@code i} get {@code y[t] += s·B·(A·x[t])} for each
 * term of its cache's {@link LoraSet}, and rows of sequences without adapters stay as they are.
 *
 * <p>Its two buffers grow to the widest step they have met, then are reused, so a forward pass
 * allocates nothing per token.
 */
final class LoraDeltas {
    private final Kernels kernels;
    private final int batch;
    private float[] mid = new float[0];   // [count][rank] A·x, then scaled
    private float[] delta = new float[0]; // [count][out] B·mid

    LoraDeltas(Kernels kernels, int batch) {
        this.kernels = kernels;
        this.batch = batch;
    }

    /** Whether any sequence of the batch applies an adapter: if none does, the pass skips this class. */
    static boolean anyIn(Batch b) {
        for (int i = 0; i < b.sequences(); i++) {
            if (!b.cache(i).lora().isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code y[t] += s·B·(A·x[t])} for block {@code layer}'s {@code target}, over the rows of every
     * sequence that adapts it; {@code x} and {@code y} hold a row per token of the batch, as wide
     * as the matrix's input and output.
     */
    void add(Batch b, int layer, LoraTarget target, float[] x, float[] y) {
        for (int i = 0; i < b.sequences(); i++) {
            LoraSet.Term[] terms = b.cache(i).lora().terms(layer, target);
            int first = b.first(i);
            int count = b.count(i);
            for (LoraSet.Term term : terms) {
                int in = term.a().cols();
                int out = term.b().rows();
                if (mid.length < count * term.rank()) {
                    mid = new float[batch * term.rank()];
                }
                if (delta.length < count * out) {
                    delta = new float[batch * out];
                }
                kernels.matMul(term.a(), x, first * in, mid, 0, count);     // mid[count][rank] = A·x
                kernels.scale(mid, 0, term.scale(), count * term.rank());
                kernels.matMul(term.b(), mid, 0, delta, 0, count);          // delta[count][out] = B·mid
                kernels.add(y, first * out, delta, 0, count * out);
            }
        }
    }
}
