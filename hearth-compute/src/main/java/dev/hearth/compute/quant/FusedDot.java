package dev.hearth.compute.quant;

import java.lang.foreign.MemorySegment;

/**
 * A weight format that owns a fused dequantize-and-dot kernel: it multiplies one row of its blocks
 * with float activations without writing the dequantized row anywhere (ggml's per-type
 * {@code vec_dot}). Matrix products are built from these row kernels; formats without one are
 * dequantized a row at a time instead.
 *
 * <p>{@link #matMulRows} (several tokens) and {@link #matVecRows} (one token) are the entry points
 * for matrix products; every format implements them in its own class (the same short loops over
 * {@link #dot4} and {@link #dot}) so that the JIT compiles each format's kernels into a separate
 * unit. A shared loop calling the kernels of two formats gets both inlined into it, overflows the
 * compiler's inlining budget and leaves vectors boxed: ten times slower. For the same reason
 * callers keep the two entry points apart: {@link #matMulRows} with a multiple of four tokens
 * reaches only {@link #dot4}, {@link #matVecRows} only {@link #dot}, so neither compiled loop holds
 * both kernels (C2 stops inlining at a node count that two Vector API kernels can exceed, and a
 * vector passed to a call that was not inlined is allocated on the heap).
 *
 * <p>A row is {@code cols} elements (whole blocks) starting at byte {@code rowAt} of {@code w}.
 * Accumulation is in float, in an order fixed by the format and the vector width alone, so a row's
 * result never depends on which thread computes it or on what other rows are computed. Stateless
 * and safe to share between threads, like every {@link WeightFormat}.
 */
public interface FusedDot extends WeightFormat {

    /**
     * Rows {@code [fromRow, toRow)} of a matrix in this format, row {@code r} at byte
     * {@code r · rowBytes} of {@code w}, times {@code tokens} activation vectors of {@code cols}
     * floats each: {@code y[yOffset + t·yStride + r] = Σ_j W[r][j] · x[xOffset + t·cols + j]}.
     * Reads each row once per four tokens ({@link #dot4}), the remaining tokens with {@link #dot}.
     */
    void matMulRows(MemorySegment w, int cols, int fromRow, int toRow, float[] x, int xOffset, int tokens,
            float[] y, int yOffset, int yStride);

    /**
     * Rows {@code [fromRow, toRow)} times one activation vector:
     * {@code y[yOffset + r] = Σ_j W[r][j] · x[xOffset + j]}, each row with {@link #dot}.
     */
    void matVecRows(MemorySegment w, int cols, int fromRow, int toRow, float[] x, int xOffset, float[] y, int yOffset);

    /** {@code Σ_j W[j] · x[xOffset + j]} over the row's {@code cols} elements. */
    float dot(MemorySegment w, long rowAt, int cols, float[] x, int xOffset);

    /**
     * The row times four activation vectors at once, reading the row once: for {@code k < 4},
     * {@code y[yOffset + k·yStride] = Σ_j W[j] · x[xOffset + k·xStride + j]}.
     */
    void dot4(MemorySegment w, long rowAt, int cols, float[] x, int xOffset, int xStride,
            float[] y, int yOffset, int yStride);
}
