package dev.hearth.compute.quant;

import java.lang.foreign.MemorySegment;

/**
 * A weight format that owns a fused dequantize-and-dot kernel: it multiplies one row of its blocks
 * with float activations without writing the dequantized row anywhere (ggml's per-type
 * {@code vec_dot}), and unpacks rows into floats with vectors for products of several tokens.
 * Formats without these kernels are dequantized in scalar code instead.
 *
 * <p>{@link #matVecRows} (one token) multiplies each row with {@link #dot}; {@link #matMulRows}
 * (several tokens) unpacks rows with {@link #unpackRow} and multiplies them as floats
 * ({@link UnpackedProduct}). Every format implements {@link #matVecRows} in its own class so that
 * the JIT compiles each format's kernel into a separate unit: a shared loop calling the kernels of
 * two formats gets both inlined into it, overflows the compiler's inlining budget and leaves
 * vectors boxed (C2 stops inlining at a node count that two Vector API kernels can exceed, and a
 * vector passed to a call that was not inlined is allocated on the heap). Unpacking passes no
 * vector across a call, so the multi-token loop is shared.
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
     * Each row is unpacked once for all the tokens.
     */
    default void matMulRows(MemorySegment w, int cols, int fromRow, int toRow, float[] x, int xOffset, int tokens,
            float[] y, int yOffset, int yStride) {
        UnpackedProduct.matMulRows(this, w, cols, fromRow, toRow, x, xOffset, tokens, y, yOffset, yStride);
    }

    /**
     * Rows {@code [fromRow, toRow)} times one activation vector:
     * {@code y[yOffset + r] = Σ_j W[r][j] · x[xOffset + j]}, each row with {@link #dot}.
     */
    void matVecRows(MemorySegment w, int cols, int fromRow, int toRow, float[] x, int xOffset, float[] y, int yOffset);

    /** {@code Σ_j W[j] · x[xOffset + j]} over the row's {@code cols} elements. */
    float dot(MemorySegment w, long rowAt, int cols, float[] x, int xOffset);

    /**
     * The row's {@code cols} elements as floats into {@code dst} from {@code dstOffset}, vector by
     * vector: each the value this format's block encodes, computed as its products would (scale
     * times level, plus the minimum where the format has one), so that an unpacked row times a
     * token is the product the format means.
     */
    void unpackRow(MemorySegment w, long rowAt, int cols, float[] dst, int dstOffset);
}
