package dev.hearth.compute.tensor;

import java.util.Optional;

/**
 * The tensor element types of ggml, as GGUF files number them.
 *
 * <p>Each type stores its elements in blocks: {@link #blockSize()} elements packed into
 * {@link #typeSize()} bytes. The ids are GGUF's on-disk type ids, so a reader maps an id straight
 * to a constant with {@link #fromId(int)}. Types that exist only in some GGUF files (the IQ and
 * ternary formats) are listed so that files holding them open and report their sizes; whether
 * Hearth can compute with a type is a property of its codec in {@code dev.hearth.compute.quant}.
 */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 18),
    Q4_1(3, 32, 20),
    Q5_0(6, 32, 22),
    Q5_1(7, 32, 24),
    Q8_0(8, 32, 34),
    Q8_1(9, 32, 36),
    Q2_K(10, 256, 84),
    Q3_K(11, 256, 110),
    Q4_K(12, 256, 144),
    Q5_K(13, 256, 176),
    Q6_K(14, 256, 210),
    Q8_K(15, 256, 292),
    IQ2_XXS(16, 256, 66),
    IQ2_XS(17, 256, 74),
    IQ3_XXS(18, 256, 98),
    IQ1_S(19, 256, 50),
    IQ4_NL(20, 32, 18),
    IQ3_S(21, 256, 110),
    IQ2_S(22, 256, 82),
    IQ4_XS(23, 256, 136),
    I8(24, 1, 1),
    I16(25, 1, 2),
    I32(26, 1, 4),
    I64(27, 1, 8),
    F64(28, 1, 8),
    IQ1_M(29, 256, 56),
    BF16(30, 1, 2),
    TQ1_0(34, 256, 54),
    TQ2_0(35, 256, 66),
    MXFP4(39, 32, 17);

    /** Number of super-block elements of the K-quant formats. */
    public static final int QK_K = 256;

    private static final GgmlType[] BY_ID = new GgmlType[64];

    static {
        for (GgmlType type : values()) {
            BY_ID[type.id] = type;
        }
    }

    private final int id;
    private final int blockSize;
    private final int typeSize;

    GgmlType(int id, int blockSize, int typeSize) {
        this.id = id;
        this.blockSize = blockSize;
        this.typeSize = typeSize;
    }

    /** GGUF's numeric id of this type. */
    public int id() {
        return id;
    }

    /** Elements per block. */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block. */
    public int typeSize() {
        return typeSize;
    }

    /** The type with GGUF id {@code id}, if there is one. */
    public static Optional<GgmlType> fromId(int id) {
        return id >= 0 && id < BY_ID.length ? Optional.ofNullable(BY_ID[id]) : Optional.empty();
    }

    /**
     * Bytes needed for {@code elements} elements of this type.
     *
     * @throws IllegalArgumentException if {@code elements} is negative or not a whole number of blocks
     * @throws ArithmeticException if the size does not fit in a long
     */
    public long byteSize(long elements) {
        if (elements < 0 || elements % blockSize != 0) {
            throw new IllegalArgumentException(
                    name() + " stores whole blocks of " + blockSize + " elements; got " + elements + " elements");
        }
        return Math.multiplyExact(elements / blockSize, (long) typeSize);
    }
}
