package dev.hearth.compute.quant;

import dev.hearth.compute.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * A weight format that can also be written: floats in, ggml blocks out.
 *
 * <p>{@link #quantize} follows ggml's reference {@code quantize_row_*_ref} for the type, so a
 * quantized tensor holds the bytes {@code llama-quantize} would write without an importance
 * matrix. Stateless and safe to share between threads, like every {@link WeightFormat}. Get one
 * from {@link WeightFormats#quantizer(GgmlType)}.
 */
public interface Quantizer extends WeightFormat {

    /**
     * Quantizes {@code src[srcOffset .. srcOffset + count)} into the blocks that start at byte
     * {@code dstByteOffset} of {@code dst}.
     *
     * @throws IllegalArgumentException if {@code count} is negative or not a whole number of blocks
     * @throws IndexOutOfBoundsException if the floats do not lie inside {@code src} or the blocks do
     *     not fit in {@code dst}; nothing is written then
     * @throws UnsupportedOperationException if {@code dst} is read-only
     */
    void quantize(float[] src, int srcOffset, int count, MemorySegment dst, long dstByteOffset);
}
