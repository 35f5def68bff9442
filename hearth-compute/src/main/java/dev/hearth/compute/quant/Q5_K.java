package dev.hearth.compute.quant;

import dev.hearth.compute.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q5_K: super-blocks of 256 elements in 8 sub-blocks of 32, each element a 5-bit level {@code q}.
 * Scales and mins are as in {@link Q4_K}: elements of sub-block {@code s} are
 * {@code d·sc · q − dmin·mn}.
 *
 * <pre>
 * offset  0  d           fp16
 * offset  2  dmin        fp16
 * offset  4  scales[12]  eight 6-bit scales and eight 6-bit mins
 * offset 16  qh[32]      fifth bit of each level
 * offset 48  qs[128]     low 4 bits, two per byte
 * </pre>
 *
 * The low bits are laid out as in Q4_K. The fifth bit of element {@code 32·s + l} is bit {@code s}
 * of {@code qh[l]}.
 *
 * <p>The fused kernels are Q4_K's, with each level's fifth bit taken from the {@code qh} bytes of
 * its lanes: {@code L} bytes widened to int lanes once per run of lanes, shifted and masked per
 * sub-block.
 */
final class Q5_K implements FusedDot {

    private static final GgmlType TYPE = GgmlType.Q5_K;
    private static final int BLOCK = GgmlType.QK_K;
    private static final int SUB = 32;
    private static final int D = 0;
    private static final int DMIN = 2;
    private static final int SCALES = 4;
    private static final int QH = 16;
    private static final int QS = 48;

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
        float dmin = Blocks.half(block, at + DMIN);
        for (int sub = 0; sub < KScales.SUB_BLOCKS; sub++) {
            float scale = d * KScales.scale(block, at + SCALES, sub);
            float min = dmin * KScales.min(block, at + SCALES, sub);
            int shift = 4 * (sub % 2);
            long qs = at + QS + 32L * (sub / 2);
            for (int l = 0; l < SUB; l++) {
                int low = (Blocks.unsignedByte(block, qs + l) >> shift) & 0xF;
                int high = (Blocks.unsignedByte(block, at + QH + l) >> sub) & 1;
                dst[out + SUB * sub + l] = scale * (low + 16 * high) - min;
            }
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

    /** Two accumulators, for the low-nibble and the high-nibble sub-block of each pair, as Q4_K's. */
    @Override
    public float dot(MemorySegment w, long rowAt, int cols, float[] x, int xOffset) {
        FloatVector lows = FloatVector.zero(Lanes.F);
        FloatVector highs = FloatVector.zero(Lanes.F);
        for (int b = 0; b < cols / BLOCK; b++) {
            long at = rowAt + (long) b * TYPE.typeSize();
            float d = Blocks.half(w, at + D);
            float dmin = -Blocks.half(w, at + DMIN);
            long scales0to7 = w.get(Blocks.LONG_LE, at + SCALES);
            int scales8to11 = w.get(Blocks.INT_LE, at + SCALES + 8);
            long scales = KScales.scales(scales0to7, scales8to11);
            long mins = KScales.mins(scales0to7, scales8to11);
            for (int pair = 0; pair < KScales.SUB_BLOCKS / 2; pair++) {
                int sub = 2 * pair;
                FloatVector scaleLow = FloatVector.broadcast(Lanes.F, d * KScales.field(scales, sub));
                FloatVector minLow = FloatVector.broadcast(Lanes.F, dmin * KScales.field(mins, sub));
                FloatVector scaleHigh = FloatVector.broadcast(Lanes.F, d * KScales.field(scales, sub + 1));
                FloatVector minHigh = FloatVector.broadcast(Lanes.F, dmin * KScales.field(mins, sub + 1));
                int xs = xOffset + b * BLOCK + SUB * sub;
                for (int l = 0; l < SUB; l += Lanes.L) {
                    IntVector packed = Lanes.unsignedInts(w, at + QS + 32L * pair + l);
                    IntVector fifthBits = Lanes.unsignedInts(w, at + QH + l);
                    lows = low(packed, fifthBits, sub).fma(scaleLow, minLow).fma(Lanes.x(x, xs + l), lows);
                    highs = high(packed, fifthBits, sub + 1).fma(scaleHigh, minHigh)
                            .fma(Lanes.x(x, xs + SUB + l), highs);
                }
            }
        }
        return Lanes.sum(lows.add(highs));
    }

    @Override
    public void unpackRow(MemorySegment w, long rowAt, int cols, float[] dst, int dstOffset) {
        for (int b = 0; b < cols / BLOCK; b++) {
            long at = rowAt + (long) b * TYPE.typeSize();
            float d = Blocks.half(w, at + D);
            float dmin = -Blocks.half(w, at + DMIN);
            long scales0to7 = w.get(Blocks.LONG_LE, at + SCALES);
            int scales8to11 = w.get(Blocks.INT_LE, at + SCALES + 8);
            long scales = KScales.scales(scales0to7, scales8to11);
            long mins = KScales.mins(scales0to7, scales8to11);
            for (int sub = 0; sub < KScales.SUB_BLOCKS; sub++) {
                FloatVector scale = FloatVector.broadcast(Lanes.F, d * KScales.field(scales, sub));
                FloatVector min = FloatVector.broadcast(Lanes.F, dmin * KScales.field(mins, sub));
                int out = dstOffset + b * BLOCK + SUB * sub;
                for (int l = 0; l < SUB; l += Lanes.L) {
                    IntVector packed = Lanes.unsignedInts(w, at + QS + 32L * (sub / 2) + l);
                    IntVector fifthBits = Lanes.unsignedInts(w, at + QH + l);
                    (sub % 2 == 0 ? low(packed, fifthBits, sub) : high(packed, fifthBits, sub))
                            .fma(scale, min).intoArray(dst, out + l);
                }
            }
        }
    }

    /** The levels of the low nibbles of {@code L} packed bytes, with bit {@code sub} of their {@code qh} bytes as 16. */
    private static FloatVector low(IntVector packed, IntVector qh, int sub) {
        return Lanes.toFloats(packed.and(0xF).or(sixteens(qh, sub)));
    }

    /** The levels of the high nibbles, as {@link #low}. */
    private static FloatVector high(IntVector packed, IntVector qh, int sub) {
        return Lanes.toFloats(packed.lanewise(VectorOperators.LSHR, 4).or(sixteens(qh, sub)));
    }

    /** 16 in the lanes whose {@code qh} byte has bit {@code sub} set, else 0. */
    private static IntVector sixteens(IntVector qh, int sub) {
        return qh.lanewise(VectorOperators.LSHR, sub).and(1).lanewise(VectorOperators.LSHL, 4);
    }
}
