package dev.hearth.compute.quant;

import dev.hearth.compute.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

/**
 * IQ4_NL: blocks of 32 elements as one fp16 scale {@code d} and 32 four-bit indices {@code q}
 * into a fixed table of sixteen levels, spaced non-uniformly (denser near zero, where most
 * weights are); element {@code i} is {@code d · LEVELS[q[i]]}. The indices are packed as Q4_0's
 * levels: byte {@code j} holds element {@code j} in its low nibble and {@code j + 16} in its high.
 *
 * <pre>
 * offset 0  d       fp16
 * offset 2  qs[16]  two 4-bit indices per byte
 * </pre>
 *
 * llama.cpp writes IQ4_NL where a Q2_K, Q3_K or IQ4_XS tensor's rows are not whole super-blocks
 * (Qwen2.5-0.5B's 896 columns, for one), so Q2_K and Q3_K files of such models hold it.
 *
 * <p>The fused kernels look the levels up sixteen lanes at a time with a permute of a vector that
 * holds the table ({@link #levels}); with eight lanes, from two halves of it.
 */
final class IQ4_NL implements FusedDot {

    private static final GgmlType TYPE = GgmlType.IQ4_NL;
    private static final int BLOCK = 32;
    private static final int HALF = BLOCK / 2;
    private static final int QS = 2;
    /** ggml's {@code kvalues_iq4nl}: the level of each four-bit index. */
    static final int[] LEVELS = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};
    /** {@link #LEVELS} in vector lanes: all sixteen with 16 lanes; with 8, the first eight. */
    static final IntVector TABLE = IntVector.fromArray(Lanes.I, LEVELS, 0);
    /** With 8 lanes, the last eight levels (with 16, the table again, never used). */
    static final IntVector TABLE_HIGH = IntVector.fromArray(Lanes.I, LEVELS, Lanes.L >= 16 ? 0 : 8);

    @Override
    public GgmlType type() {
        return TYPE;
    }

    @Override
    public void dequantize(MemorySegment src, long srcByteOffset, float[] dst, int dstOffset, int count) {
        int blocks = Blocks.checkDequantize(TYPE, src, srcByteOffset, dst, dstOffset, count);
        for (int b = 0; b < blocks; b++) {
            long at = srcByteOffset + (long) b * TYPE.typeSize();
            dequantizeLevels(src, at + QS, Blocks.half(src, at), dst, dstOffset + b * BLOCK);
        }
    }

    /**
     * The 32 elements whose sixteen bytes of packed indices start at {@code at}, each the level
     * times {@code d}, into {@code dst} from {@code out}: an IQ4_NL block, and an IQ4_XS sub-block.
     */
    static void dequantizeLevels(MemorySegment src, long at, float d, float[] dst, int out) {
        for (int j = 0; j < HALF; j++) {
            int packed = Blocks.unsignedByte(src, at + j);
            dst[out + j] = d * LEVELS[packed & 0xF];
            dst[out + j + HALF] = d * LEVELS[packed >> 4];
        }
    }

    @Override
    public void matVecRows(MemorySegment w, int cols, int fromRow, int toRow, float[] x, int xOffset,
            float[] y, int yOffset) {
        long rowBytes = TYPE.byteSize(cols);
        for (int r = fromRow; r < toRow; r++) {
            y[yOffset + r] = dot(w, r * rowBytes, cols, x, xOffset);
        }
    }

    @Override
    public float dot(MemorySegment w, long rowAt, int cols, float[] x, int xOffset) {
        FloatVector sum = FloatVector.zero(Lanes.F);
        for (int b = 0; b < cols / BLOCK; b++) {
            long at = rowAt + (long) b * TYPE.typeSize();
            int xb = xOffset + b * BLOCK;
            FloatVector blockSum = FloatVector.zero(Lanes.F);
            for (int j = 0; j < HALF; j += Lanes.L) {
                IntVector packed = Lanes.unsignedInts(w, at + QS + j);
                blockSum = low(packed).fma(Lanes.x(x, xb + j), blockSum);
                blockSum = high(packed).fma(Lanes.x(x, xb + HALF + j), blockSum);
            }
            sum = blockSum.fma(FloatVector.broadcast(Lanes.F, Blocks.half(w, at)), sum);
        }
        for (VectorShuffle<Float> fold : Lanes.FOLDS) {
            sum = sum.add(sum.rearrange(fold));
        }
        return sum.lane(0);
    }

    @Override
    public void unpackRow(MemorySegment w, long rowAt, int cols, float[] dst, int dstOffset) {
        for (int b = 0; b < cols / BLOCK; b++) {
            long at = rowAt + (long) b * TYPE.typeSize();
            unpackLevels(w, at + QS, FloatVector.broadcast(Lanes.F, Blocks.half(w, at)), dst, dstOffset + b * BLOCK);
        }
    }

    /** {@link #dequantizeLevels} with vectors: an IQ4_NL block or an IQ4_XS sub-block, unpacked. */
    static void unpackLevels(MemorySegment w, long at, FloatVector d, float[] dst, int out) {
        for (int j = 0; j < HALF; j += Lanes.L) {
            IntVector packed = Lanes.unsignedInts(w, at + j);
            low(packed).mul(d).intoArray(dst, out + j);
            high(packed).mul(d).intoArray(dst, out + HALF + j);
        }
    }

    /** The levels of the low-nibble indices of {@code L} packed bytes (zero-extended). */
    static FloatVector low(IntVector packed) {
        return Lanes.toFloats(levels(packed.and(0xF)));
    }

    /** The levels of the high-nibble indices of {@code L} packed bytes (zero-extended). */
    static FloatVector high(IntVector packed) {
        return Lanes.toFloats(levels(packed.lanewise(VectorOperators.LSHR, 4)));
    }

    /** The level of each index in {@code 0..15}: one permute with 16 lanes, two and a blend with 8. */
    private static IntVector levels(IntVector indices) {
        return Lanes.L >= 16 ? indices.selectFrom(TABLE) : levelsFromHalves(indices);
    }

    private static IntVector levelsFromHalves(IntVector indices) {
        IntVector within = indices.and(7);
        return within.selectFrom(TABLE).blend(within.selectFrom(TABLE_HIGH), indices.compare(VectorOperators.GE, 8));
    }
}
