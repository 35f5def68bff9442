package dev.hearth.compute.quant;

import dev.hearth.compute.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

/**
 * Q3_K: super-blocks of 256 elements in 16 sub-blocks of 16, each element a 3-bit level; element
 * values are {@code d · (sc − 32) · (q − 4)} with a 6-bit sub-block scale {@code sc}.
 *
 * <pre>
 * offset   0  hmask[32]   high (third) bit of each level
 * offset  32  qs[64]      low 2 bits, four per byte
 * offset  96  scales[12]  sixteen 6-bit scales
 * offset 108  d           fp16
 * </pre>
 *
 * The low bits are laid out as in {@link Q2_K}. The high bit of element {@code 32·k + l}
 * ({@code k} in 0..7, {@code l} in 0..31) is bit {@code k} of {@code hmask[l]}. Scale {@code s}
 * keeps its low 4 bits in the low nibble of {@code scales[s]} for {@code s < 8}, in the high
 * nibble of {@code scales[s − 8]} otherwise, and its high 2 bits in bits {@code 2·(s/4)} of
 * {@code scales[8 + s % 4]}.
 *
 * <p>The fused kernels take a sub-block's sixteen levels {@code L} lanes at a time: the two low
 * bits shifted out of the {@code qs} bytes widened to int lanes, the third from the {@code hmask}
 * bytes of the same lanes, as {@code q − 4 + 4·high}.
 */
final class Q3_K implements FusedDot {

    private static final GgmlType TYPE = GgmlType.Q3_K;
    private static final int BLOCK = GgmlType.QK_K;
    private static final int HMASK = 0;
    private static final int QS = 32;
    private static final int SCALES = 96;
    private static final int D = 108;

    @Override
    public GgmlType type() {
        return TYPE;
    }

    @Override
    public void dequantize(MemorySegment src, long srcByteOffset, float[] dst, int dstOffset, int count) {
        int blocks = Blocks.checkDequantize(TYPE, src, srcByteOffset, dst, dstOffset, count);
        for (int b = 0; b < blocks; b++) {
            dequantizeBlock(src, srcByteOffset + (long) b * TYPE.typeSize(), dst, dstOffset + b * BLOCK);
        }
    }

    private static void dequantizeBlock(MemorySegment block, long at, float[] dst, int out) {
        float d = Blocks.half(block, at + D);
        for (int sub = 0; sub < 16; sub++) {
            int half = sub / 8;
            int shift = 2 * ((sub % 8) / 2);
            int highBit = 1 << (sub / 2);
            int firstByte = 16 * (sub % 2);
            float dl = d * (scale(block, at, sub) - 32);
            for (int l = 0; l < 16; l++) {
                int low = (Blocks.unsignedByte(block, at + QS + 32L * half + firstByte + l) >> shift) & 3;
                boolean high = (Blocks.unsignedByte(block, at + HMASK + firstByte + l) & highBit) != 0;
                dst[out + 16 * sub + l] = dl * (low - (high ? 0 : 4));
            }
        }
    }

    /** The unsigned 6-bit scale of sub-block {@code sub}. */
    private static int scale(MemorySegment block, long at, int sub) {
        int lowByte = Blocks.unsignedByte(block, at + SCALES + sub % 8);
        int low = sub < 8 ? lowByte & 0xF : lowByte >> 4;
        int high = (Blocks.unsignedByte(block, at + SCALES + 8 + sub % 4) >> (2 * (sub / 4))) & 3;
        return low | (high << 4);
    }

    @Override
    public void matVecRows(MemorySegment w, int cols, int fromRow, int toRow, float[] x, int xOffset,
            float[] y, int yOffset) {
        long rowBytes = TYPE.byteSize(cols);
        for (int r = fromRow; r < toRow; r++) {
            y[yOffset + r] = dot(w, r * rowBytes, cols, x, xOffset);
        }
    }

    /**
     * One accumulator: a second one (even and odd sub-blocks) makes the method too large for C2
     * to inline its vector helpers, and the vectors crossing the calls are then allocated.
     */
    @Override
    public float dot(MemorySegment w, long rowAt, int cols, float[] x, int xOffset) {
        FloatVector sum = FloatVector.zero(Lanes.F);
        for (int b = 0; b < cols / BLOCK; b++) {
            long at = rowAt + (long) b * TYPE.typeSize();
            float d = Blocks.half(w, at + D);
            for (int sub = 0; sub < 16; sub++) {
                float scale = d * (scale(w, at, sub) - 32);
                int firstByte = 16 * (sub % 2);
                long qs = at + QS + 32L * (sub / 8) + firstByte;
                for (int l = 0; l < 16; l += Lanes.L) {
                    sum = levels(w, qs + l, at + HMASK + firstByte + l, 2 * ((sub % 8) / 2), sub / 2).mul(scale)
                            .fma(Lanes.x(x, xOffset + b * BLOCK + 16 * sub + l), sum);
                }
            }
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
            float d = Blocks.half(w, at + D);
            for (int sub = 0; sub < 16; sub++) {
                float scale = d * (scale(w, at, sub) - 32);
                int firstByte = 16 * (sub % 2);
                long qs = at + QS + 32L * (sub / 8) + firstByte;
                for (int l = 0; l < 16; l += Lanes.L) {
                    levels(w, qs + l, at + HMASK + firstByte + l, 2 * ((sub % 8) / 2), sub / 2).mul(scale)
                            .intoArray(dst, dstOffset + b * BLOCK + 16 * sub + l);
                }
            }
        }
    }

    /**
     * {@code L} levels {@code q − 4}: two low bits at {@code shift} of the {@code qs} bytes at
     * {@code qsAt}, and 4 more where bit {@code bit} of the {@code hmask} bytes at {@code hmaskAt} is set.
     */
    private static FloatVector levels(MemorySegment w, long qsAt, long hmaskAt, int shift, int bit) {
        return Lanes.toFloats(lowTwo(Lanes.unsignedInts(w, qsAt), shift).add(highFour(Lanes.unsignedInts(w, hmaskAt), bit)));
    }

    /** Bits {@code shift, shift + 1} of each lane, minus 4. */
    private static IntVector lowTwo(IntVector bytes, int shift) {
        return bytes.lanewise(VectorOperators.LSHR, shift).and(3).sub(4);
    }

    /** 4 where bit {@code bit} of the lane is set, else 0. */
    private static IntVector highFour(IntVector bytes, int bit) {
        return bytes.lanewise(VectorOperators.LSHR, bit).and(1).lanewise(VectorOperators.LSHL, 2);
    }
}
