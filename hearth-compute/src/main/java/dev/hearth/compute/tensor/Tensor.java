package dev.hearth.compute.tensor;

import dev.hearth.compute.quant.WeightFormat;
import dev.hearth.compute.quant.WeightFormats;

import java.lang.foreign.MemorySegment;

/**
 * A tensor whose elements live in a memory segment — usually a slice of a mapped GGUF file — in
 * one ggml type. Seen as a matrix: {@link #cols()} is {@code shape.dim(0)} (one row, contiguous),
 * {@link #rows()} the product of the other dimensions.
 *
 * @param name for error messages and debugging (the GGUF tensor name)
 */
public record Tensor(String name, GgmlType type, Shape shape, MemorySegment data) {

    /**
     * @throws IllegalArgumentException if the row length is not whole blocks of {@code type} or the
     *     segment does not hold exactly the tensor's bytes
     */
    public Tensor {
        if (shape.dim(0) % type.blockSize() != 0) {
            throw new IllegalArgumentException(name + ": row length " + shape.dim(0)
                    + " is not a multiple of " + type + "'s block size " + type.blockSize());
        }
        long expected = type.byteSize(shape.elementCount());
        if (data.byteSize() != expected) {
            throw new IllegalArgumentException(name + ": " + shape + " " + type + " needs " + expected
                    + " bytes, the segment has " + data.byteSize());
        }
    }

    /** A dense F32 tensor over a heap array, for activations, caches and tests. */
    public static Tensor ofFloats(String name, float[] values, long... dims) {
        return new Tensor(name, GgmlType.F32, Shape.of(dims), MemorySegment.ofArray(values));
    }

    /** Elements per row. */
    public int cols() {
        return Math.toIntExact(shape.dim(0));
    }

    /** Number of rows: the product of every dimension but the first. */
    public int rows() {
        return Math.toIntExact(shape.elementCount() / Math.max(1, shape.dim(0)));
    }

    /** Bytes of one row. */
    public long rowBytes() {
        return type.byteSize(shape.dim(0));
    }

    /** The format that reads this tensor's type. */
    public WeightFormat format() {
        return WeightFormats.of(type);
    }

    /** Rows {@code [from, to)} as a matrix, sharing this tensor's memory. */
    public Tensor rowRange(int from, int to) {
        if (from < 0 || to > rows() || from > to) {
            throw new IndexOutOfBoundsException(name + ": rows [" + from + ", " + to + ") of " + rows());
        }
        return new Tensor(name, type, Shape.of(shape.dim(0), to - from),
                data.asSlice(from * rowBytes(), (to - from) * rowBytes()));
    }

    /** Dequantizes row {@code row} into {@code out[offset .. offset + cols())}. */
    public void dequantizeRow(int row, float[] out, int offset) {
        format().dequantize(data, row * rowBytes(), out, offset, cols());
    }
}
