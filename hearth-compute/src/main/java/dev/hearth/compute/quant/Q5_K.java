package dev.hearth.compute.quant;

import dev.hearth.compute.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

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
        float[] sums = SubBlockSums.of(x, xOffset, cols, SUB);
        long rowBytes = TYPE.byteSize(cols);
        for (int r = fromRow; r < toRow; r++) {
            y[yOffset + r] = dot(w, r * rowBytes, cols, x, xOffset, sums);
        }
    }

    @Override
    public float dot(MemorySegment w, long rowAt, int cols, float[] x, int xOffset) {
        return dot(w, rowAt, cols, x, xOffset, SubBlockSums.of(x, xOffset, cols, SUB));
    }

    /**
     * One row, as {@link Q4_K}'s kernel computes it, each level's fifth bit taken from the
     * {@code qh} bytes of its lanes: one vector of them per run of lanes, shifted and masked per
     * sub-block. Formerly one loop over sub-blocks with a single accumulator (two made that
     * method too large for C2 to inline its vector helpers): 2.15 times that speed, 1.6 to 1.8
     * with AVX2 (one core, rows in cache).
     */
    private static float dot(MemorySegment w, long rowAt, int cols, float[] x, int xOffset, float[] sums) {
        FloatVector even = FloatVector.zero(Lanes.F);
        FloatVector odd = even;
        FloatVector mins = even;
        FloatVector low;
        FloatVector high;
        for (int b = 0; b < cols / BLOCK; b++) {
            long at = rowAt + (long) b * TYPE.typeSize();
            int xs = xOffset + b * BLOCK;
            long packed0to7 = w.get(Blocks.LONG_LE, at + SCALES);
            int packed8to11 = w.get(Blocks.INT_LE, at + SCALES + 8);
            FloatVector scales = ((FloatVector) LongVector
                    .broadcast(Lanes.EIGHT_BYTES, KScales.scales(packed0to7, packed8to11)).reinterpretAsBytes()
                    .convertShape(VectorOperators.B2F, Lanes.F, 0))
                    .mul(Float.float16ToFloat(w.get(Blocks.SHORT_LE, at + D)));
            mins = ((FloatVector) LongVector
                    .broadcast(Lanes.EIGHT_BYTES, KScales.mins(packed0to7, packed8to11)).reinterpretAsBytes()
                    .convertShape(VectorOperators.B2F, Lanes.F, 0))
                    .mul(Float.float16ToFloat(w.get(Blocks.SHORT_LE, at + DMIN)))
                    .fma(FloatVector.fromArray(Lanes.F, sums, b * Lanes.L), mins);
            // sub-blocks 0 (low nibbles, bit 0 of qh) and 1 (high nibbles, bit 1)
            low = FloatVector.zero(Lanes.F);
            high = low;
            for (int l = 0; l < SUB; l += Lanes.L) {
                IntVector q = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, at + QS + l, Lanes.LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                IntVector qh = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, at + QH + l, Lanes.LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                low = ((FloatVector) q.and(0xF).or(qh.lanewise(VectorOperators.LSHL, 4).and(16)).convert(VectorOperators.I2F, 0))
                        .fma(FloatVector.fromArray(Lanes.F, x, xs + l), low);
                high = ((FloatVector) q.lanewise(VectorOperators.LSHR, 4).or(qh.lanewise(VectorOperators.LSHL, 3).and(16))
                        .convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(Lanes.F, x, xs + 32 + l), high);
            }
            even = low.fma(scales.rearrange(Lanes.SPREAD_0), even);
            odd = high.fma(scales.rearrange(Lanes.SPREAD_1), odd);
            // sub-blocks 2 (low nibbles, bit 2 of qh) and 3 (high nibbles, bit 3)
            low = FloatVector.zero(Lanes.F);
            high = low;
            for (int l = 0; l < SUB; l += Lanes.L) {
                IntVector q = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, at + QS + 32 + l, Lanes.LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                IntVector qh = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, at + QH + l, Lanes.LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                low = ((FloatVector) q.and(0xF).or(qh.lanewise(VectorOperators.LSHL, 2).and(16)).convert(VectorOperators.I2F, 0))
                        .fma(FloatVector.fromArray(Lanes.F, x, xs + 64 + l), low);
                high = ((FloatVector) q.lanewise(VectorOperators.LSHR, 4).or(qh.lanewise(VectorOperators.LSHL, 1).and(16))
                        .convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(Lanes.F, x, xs + 96 + l), high);
            }
            even = low.fma(scales.rearrange(Lanes.SPREAD_2), even);
            odd = high.fma(scales.rearrange(Lanes.SPREAD_3), odd);
            // sub-blocks 4 (low nibbles, bit 4 of qh) and 5 (high nibbles, bit 5)
            low = FloatVector.zero(Lanes.F);
            high = low;
            for (int l = 0; l < SUB; l += Lanes.L) {
                IntVector q = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, at + QS + 64 + l, Lanes.LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                IntVector qh = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, at + QH + l, Lanes.LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                low = ((FloatVector) q.and(0xF).or(qh.and(16)).convert(VectorOperators.I2F, 0))
                        .fma(FloatVector.fromArray(Lanes.F, x, xs + 128 + l), low);
                high = ((FloatVector) q.lanewise(VectorOperators.LSHR, 4).or(qh.lanewise(VectorOperators.LSHR, 1).and(16))
                        .convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(Lanes.F, x, xs + 160 + l), high);
            }
            even = low.fma(scales.rearrange(Lanes.SPREAD_4), even);
            odd = high.fma(scales.rearrange(Lanes.SPREAD_5), odd);
            // sub-blocks 6 (low nibbles, bit 6 of qh) and 7 (high nibbles, bit 7)
            low = FloatVector.zero(Lanes.F);
            high = low;
            for (int l = 0; l < SUB; l += Lanes.L) {
                IntVector q = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, at + QS + 96 + l, Lanes.LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                IntVector qh = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, at + QH + l, Lanes.LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                low = ((FloatVector) q.and(0xF).or(qh.lanewise(VectorOperators.LSHR, 2).and(16)).convert(VectorOperators.I2F, 0))
                        .fma(FloatVector.fromArray(Lanes.F, x, xs + 192 + l), low);
                high = ((FloatVector) q.lanewise(VectorOperators.LSHR, 4).or(qh.lanewise(VectorOperators.LSHR, 3).and(16))
                        .convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(Lanes.F, x, xs + 224 + l), high);
            }
            even = low.fma(scales.rearrange(Lanes.SPREAD_6), even);
            odd = high.fma(scales.rearrange(Lanes.SPREAD_7), odd);
        }
        FloatVector sum = even.add(odd).sub(mins);
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
            float dmin = -Blocks.half(w, at + DMIN);
            long scales = KScales.scales(w, at + SCALES);
            long mins = KScales.mins(w, at + SCALES);
            for (int sub = 0; sub < KScales.SUB_BLOCKS; sub++) {
                FloatVector scale = FloatVector.broadcast(Lanes.F, d * KScales.field(scales, sub));
                FloatVector min = FloatVector.broadcast(Lanes.F, dmin * KScales.field(mins, sub));
                int out = dstOffset + b * BLOCK + SUB * sub;
                for (int l = 0; l < SUB; l += Lanes.L) {
                    level(w, at, sub, l).fma(scale, min).intoArray(dst, out + l);
                }
            }
        }
    }

    /**
     * Levels {@code l .. l + L} of sub-block {@code sub} of the super-block at {@code at}: its
     * nibbles, plus 16 where its bit of {@code qh} is set.
     */
    private static FloatVector level(MemorySegment w, long at, int sub, int l) {
        return levelAt(w, at + QS + 32L * (sub / 2) + l, at + QH + l, sub);
    }

    // level() in two steps of at most 35 bytecodes, so that C2 always inlines them
    private static FloatVector levelAt(MemorySegment w, long qsAt, long qhAt, int sub) {
        return Lanes.toFloats(nibbles(Lanes.unsignedInts(w, qsAt), sub).or(sixteens(Lanes.unsignedInts(w, qhAt), sub)));
    }

    /** The low nibbles of {@code packed} for an even sub-block, the high ones for an odd one. */
    private static IntVector nibbles(IntVector packed, int sub) {
        return packed.lanewise(VectorOperators.LSHR, 4 * (sub % 2)).and(0xF);
    }

    /** 16 in the lanes whose {@code qh} byte has bit {@code sub} set, else 0. */
    private static IntVector sixteens(IntVector qh, int sub) {
        return qh.lanewise(VectorOperators.LSHR, sub).and(1).lanewise(VectorOperators.LSHL, 4);
    }
}
