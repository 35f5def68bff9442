package dev.hearth.model.convert;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Optional;

/**
 * The float32 arrays of a llama2.c checkpoint, as read-only slices of the mapped file. Every
 * matrix is row-major {@code [out][in]}; shapes below use the names of {@link Llama2cConfig}.
 *
 * @param tokenEmbeddings {@code [vocabSize][dim]}
 * @param layers one entry per transformer block
 * @param finalNorm {@code [dim]}, the RMSNorm weights before the classifier
 * @param classifier {@code [vocabSize][dim]}, present only when the checkpoint does not share it
 *     with {@code tokenEmbeddings}
 */
record Llama2cWeights(MemorySegment tokenEmbeddings, List<Layer> layers, MemorySegment finalNorm,
        Optional<MemorySegment> classifier) {

    Llama2cWeights {
        layers = List.copyOf(layers);
    }

    /**
     * One transformer block.
     *
     * @param attentionNorm {@code [dim]}
     * @param wq {@code [dim][dim]}
     * @param wk {@code [kvDim][dim]}
     * @param wv {@code [kvDim][dim]}
     * @param wo {@code [dim][dim]}
     * @param ffnNorm {@code [dim]}
     * @param w1 {@code [hiddenDim][dim]}, the gate projection
     * @param w2 {@code [dim][hiddenDim]}, the down projection
     * @param w3 {@code [hiddenDim][dim]}, the up projection
     */
    record Layer(MemorySegment attentionNorm, MemorySegment wq, MemorySegment wk, MemorySegment wv,
            MemorySegment wo, MemorySegment ffnNorm, MemorySegment w1, MemorySegment w2, MemorySegment w3) {}
}
