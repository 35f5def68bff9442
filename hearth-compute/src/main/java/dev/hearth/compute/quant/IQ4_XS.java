package dev.hearth.compute.quant;

import dev.hearth.compute.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorShuffle;

/**
 * IQ4_XS: super-blocks of 256 elements, eight sub-blocks of 32 with IQ4_NL's table of levels and
 * packing, each sub-block with a six-bit scale relative to an fp16 super-block scale {@code d}.
 * Sub-block {@code s}'s scale is {@code d · (ls − 32)}, where the low four bits of {@code ls} are
 * nibble {@code s mod 2} of {@code scales_l[s / 2]} and its high two bits are bits
 * {@code 2s, 2s+1} of {@code scales_h}; element {@code i} of the sub-block is that scale times
 * {@code LEVELS[q[i]]}.
 *
 * <pre>
 * offset 0  d            fp16
 * offset 2  scales_h     uint16, the high two bits of the eight sub-block scales
 * offset 4  scales_l[4]  their low four bits, two per byte
 * offset 8  qs[128]      sixteen bytes per sub-block, packed as in IQ4_NL
 * </pre>
 *
 * 4.25 bits per weight, which makes it a common choice for downloads between Q3_K_M and Q4_K_M.
 */
final class IQ4_XS implements FusedDot {

    private static final GgmlType TYPE = GgmlType.IQ4_XS;
    private static final int BLOCK = 256;
    private static final int SUB_BLOCK = 32;
    private static final int SUB_BLOCKS = BLOCK / SUB_BLOCK;
    private static final int HALF = SUB_BLOCK / 2;
    private static final int SCALES_H = 2;
    private static final int QS = 8;

    @Override
    public GgmlType type() {
        return TYPE;
    }

    @Override
    public void dequantize(MemorySegment src, long srcByteOffset, float[] dst, int dstOffset, int count) {
        int blocks = Blocks.checkDequantize(TYPE, src, srcByteOffset, dst, dstOffset, count);
        for (int b = 0; b < blocks; b++) {
            long at = srcByteOffset + (long) b * TYPE.typeSize();
            long scales = src.get(Blocks.LONG_LE, at);
            float d = Float.float16ToFloat((short) scales);
            for (int s = 0; s < SUB_BLOCKS; s++) {
                IQ4_NL.dequantizeLevels(src, at + QS + HALF * s, d * (scale(scales, s) - 32), dst,
                        dstOffset + b * BLOCK + s * SUB_BLOCK);
            }
        }
    }

    /**
     * Sub-block {@code s}'s six-bit scale {@code ls} (0..63), from the block's first eight bytes
     * read as one little-endian long: {@code scales_h} is its bits 16..31, {@code scales_l} 32..63.
     */
    private static int scale(long head, int s) {
        int low = (int) (head >>> (32 + 4 * s)) & 0xF;
        int high = (int) (head >>> (8 * SCALES_H + 2 * s)) & 3;
        return low | high << 4;
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
            long head = w.get(Blocks.LONG_LE, at);
            float d = Float.float16ToFloat((short) head);
            for (int s = 0; s < SUB_BLOCKS; s++) {
                long q = at + QS + HALF * s;
                int xs = xOffset + b * BLOCK + s * SUB_BLOCK;
                FloatVector subSum = FloatVector.zero(Lanes.F);
                for (int j = 0; j < HALF; j += Lanes.L) {
                    IntVector packed = Lanes.unsignedInts(w, q + j);
                    subSum = IQ4_NL.low(packed).fma(Lanes.x(x, xs + j), subSum);
                    subSum = IQ4_NL.high(packed).fma(Lanes.x(x, xs + HALF + j), subSum);
                }
                sum = subSum.fma(FloatVector.broadcast(Lanes.F, d * (scale(head, s) - 32)), sum);
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
            long head = w.get(Blocks.LONG_LE, at);
            float d = Float.float16ToFloat((short) head);
            for (int s = 0; s < SUB_BLOCKS; s++) {
                IQ4_NL.unpackLevels(w, at + QS + HALF * s, FloatVector.broadcast(Lanes.F, d * (scale(head, s) - 32)),
                        dst, dstOffset + b * BLOCK + s * SUB_BLOCK);
            }
        }
    }
}
