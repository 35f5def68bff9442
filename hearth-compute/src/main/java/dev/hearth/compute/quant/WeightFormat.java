package dev.hearth.compute.quant;

import dev.hearth.compute.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * How one ggml tensor type lays its elements out in memory, and how to turn them back into floats.
 *
 * <p>Elements are stored in blocks of {@code type().blockSize()} elements packed into
 * {@code type().typeSize()} bytes, exactly as ggml and GGUF files lay them out (little-endian). The
 * dequantized floats are bit-identical to ggml's reference {@code dequantize_row_*}.
 *
 * <p>Formats are stateless: one instance serves any number of threads at once. Get them from
 * {@link WeightFormats#of(GgmlType)}.
 */
public interface WeightFormat {

    /** The ggml type this format reads. */
    GgmlType type();

    /**
     * Dequantizes {@code count} elements that start at byte {@code srcByteOffset} of {@code src}
     * into {@code dst[dstOffset .. dstOffset + count)}.
     *
     * @throws IllegalArgumentException if {@code count} is negative or not a whole number of blocks
     * @throws IndexOutOfBoundsException if the blocks do not lie inside {@code src} or the floats do
     *     not fit in {@code dst}; nothing is written then
     */
    void dequantize(MemorySegment src, long srcByteOffset, float[] dst, int dstOffset, int count);
}
