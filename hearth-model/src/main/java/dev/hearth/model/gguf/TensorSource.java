package dev.hearth.model.gguf;

import java.lang.foreign.MemorySegment;

/**
 * Produces a tensor's bytes while {@link GgufWriter} writes the file, a block of rows at a time, so
 * that a tensor never has to exist in memory whole (a generator, a converter that quantizes on the
 * fly). A row is the tensor's dimension 0: {@code shape.dim(0)} elements, whole blocks of its type.
 *
 * <p>Called from the writing thread, in row order; an implementation may use other threads inside
 * {@link #writeRows} and must have finished writing {@code dst} when it returns.
 */
@FunctionalInterface
public interface TensorSource {

    /**
     * Writes rows {@code firstRow .. firstRow + rows} of the tensor, in its type, into {@code dst},
     * which is exactly their size.
     */
    void writeRows(long firstRow, int rows, MemorySegment dst);
}
