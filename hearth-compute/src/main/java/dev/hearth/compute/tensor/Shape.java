package dev.hearth.compute.tensor;

import java.util.Arrays;

/**
 * The dimensions of a tensor in ggml order: {@code dim(0)} is the innermost (contiguous) one, the
 * length of a row; {@code dim(1)} counts rows, and so on. A {@code [rows][cols]} matrix in row-major
 * C notation is {@code Shape.of(cols, rows)} here, exactly as GGUF stores it.
 */
public final class Shape {
    /** ggml's GGML_MAX_DIMS. */
    public static final int MAX_RANK = 4;

    private final long[] dims;
    private final long elementCount;

    private Shape(long[] dims) {
        if (dims.length == 0 || dims.length > MAX_RANK) {
            throw new IllegalArgumentException("a shape has 1.." + MAX_RANK + " dimensions, got " + dims.length);
        }
        long count = 1;
        for (long d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(dims));
            }
            count = Math.multiplyExact(count, d);
        }
        this.dims = dims;
        this.elementCount = count;
    }

    /**
     * @throws IllegalArgumentException for no dimensions, more than {@link #MAX_RANK}, or a negative one
     * @throws ArithmeticException if the element count overflows a long
     */
    public static Shape of(long... dims) {
        return new Shape(dims.clone());
    }

    public int rank() {
        return dims.length;
    }

    public long dim(int i) {
        return dims[i];
    }

    public long[] dims() {
        return dims.clone();
    }

    public long elementCount() {
        return elementCount;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape other && Arrays.equals(dims, other.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
