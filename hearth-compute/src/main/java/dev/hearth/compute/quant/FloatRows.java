package dev.hearth.compute.quant;

import java.lang.foreign.MemorySegment;

/**
 * A float weight format (F32, F16, BF16) that adds a scaled row to a float vector without
 * dequantizing it first: the inner step of attention's weighted sum over a key-value cache.
 */
public interface FloatRows extends WeightFormat {

    /** {@code y[yOffset + j] += factor · W[j]} for the row's {@code cols} elements at byte {@code rowAt}. */
    void addScaledRow(MemorySegment w, long rowAt, int cols, float factor, float[] y, int yOffset);
}
