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
 * <p>The one-token kernel ({@link #dot}) sums the levels times the activations per sub-block and
 * scales each sum once; rows are unpacked a sub-block's sixteen levels {@code L} lanes at a time.
 * Either way a level is the two low bits shifted out of the {@code qs} bytes widened to int lanes,
 * and the third from the {@code hmask} bytes of the same lanes, as {@code q − 4 + 4·high}.
 */
final class Q3_K implements FusedDot {

    private static final GgmlType TYPE = GgmlType.Q3_K;
    private static final int BLOCK = GgmlType.QK_K;
    private static final int HMASK = 0;
    private static final int QS = 32;
    private static final int SCALES = 96;
    private static final int D = 108;
    private static final int SUB = 16;

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
     * One row. Per super-block: its sixteen scales {@code d·(sc − 32)} in the first lanes of two
     * vectors; per sub-block, {@code Σ (q + 4)·x} (the levels without their offset of −4: the two
     * low bits or'd with the third) as a vector of partial sums, added to {@code even} or
     * {@code odd} times the sub-block's scale (its lane spread to all); the offset once, as
     * {@code −4 · Σ scale·Σx} against the activations' sub-block sums.
     *
     * <p>Each half of the super-block written out, its four pairs of sub-blocks one after another
     * and no helper of ours called, for the reasons {@link Q4_K}'s kernel gives; with both halves
     * written out, C1 gave up on the method (out of registers) and it stayed in the slow tiers.
     * 3.5 times the speed of the loop over sub-blocks it replaced (which computed each scale from
     * its bytes and called helpers for the levels), 2.3 with AVX2 ({@code MatMulSpeed}, 2048 × 8192).
     */
    private static float dot(MemorySegment w, long rowAt, int cols, float[] x, int xOffset, float[] sums) {
        FloatVector even = FloatVector.zero(Lanes.F);
        FloatVector odd = even;
        FloatVector offsets = even;
        FloatVector first;
        FloatVector second;
        IntVector q;
        IntVector m;
        for (int b = 0; b < cols / BLOCK; b++) {
            long at = rowAt + (long) b * TYPE.typeSize();
            int xs = xOffset + b * BLOCK;
            long lowNibbles = w.get(Blocks.LONG_LE, at + SCALES);
            long highBits = Integer.toUnsignedLong(w.get(Blocks.INT_LE, at + SCALES + 8));
            float d = Float.float16ToFloat(w.get(Blocks.SHORT_LE, at + D));
            FloatVector low8 = ((FloatVector) LongVector.broadcast(Lanes.EIGHT_BYTES, scales0to7(lowNibbles, highBits))
                    .reinterpretAsBytes().convertShape(VectorOperators.B2F, Lanes.F, 0)).sub(32).mul(d);
            FloatVector high8 = ((FloatVector) LongVector.broadcast(Lanes.EIGHT_BYTES, scales8to15(lowNibbles, highBits))
                    .reinterpretAsBytes().convertShape(VectorOperators.B2F, Lanes.F, 0)).sub(32).mul(d);
            offsets = low8.fma(FloatVector.fromArray(Lanes.F, sums, 2 * b * Lanes.L), offsets);
            offsets = high8.fma(FloatVector.fromArray(Lanes.F, sums, (2 * b + 1) * Lanes.L), offsets);
            for (int half = 0; half < 2; half++) {
                long qs = at + QS + 32L * half;
                int xh = xs + 128 * half;
                FloatVector scales = half == 0 ? low8 : high8;
                // sub-blocks 0 and 1 of the half: bits 0–1 of its qs bytes, bit 0 of the hmask bytes shifted
                first = FloatVector.zero(Lanes.F);
                second = first;
                for (int l = 0; l < SUB; l += Lanes.L) {
                    q = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, qs + 0 + l, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                    m = ((IntVector) ByteVector.fromMemorySegment(Lanes.B, w, at + HMASK + 0 + l, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0)).lanewise(VectorOperators.LSHR, 4 * half);
                    first = ((FloatVector) q.and(3).or(m.lanewise(VectorOperators.LSHL, 2).and(4)).convert(VectorOperators.I2F, 0))
                            .fma(FloatVector.fromArray(Lanes.F, x, xh + 0 + l), first);
                    q = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, qs + 16 + l, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                    m = ((IntVector) ByteVector.fromMemorySegment(Lanes.B, w, at + HMASK + 16 + l, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0)).lanewise(VectorOperators.LSHR, 4 * half);
                    second = ((FloatVector) q.and(3).or(m.lanewise(VectorOperators.LSHL, 2).and(4)).convert(VectorOperators.I2F, 0))
                            .fma(FloatVector.fromArray(Lanes.F, x, xh + 16 + l), second);
                }
                even = first.fma(scales.rearrange(Lanes.SPREAD_0), even);
                odd = second.fma(scales.rearrange(Lanes.SPREAD_1), odd);
                // sub-blocks 2 and 3 of the half: bits 2–3 of its qs bytes, bit 1 of the hmask bytes shifted
                first = FloatVector.zero(Lanes.F);
                second = first;
                for (int l = 0; l < SUB; l += Lanes.L) {
                    q = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, qs + 0 + l, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                    m = ((IntVector) ByteVector.fromMemorySegment(Lanes.B, w, at + HMASK + 0 + l, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0)).lanewise(VectorOperators.LSHR, 4 * half);
                    first = ((FloatVector) q.lanewise(VectorOperators.LSHR, 2).and(3).or(m.lanewise(VectorOperators.LSHL, 1).and(4)).convert(VectorOperators.I2F, 0))
                            .fma(FloatVector.fromArray(Lanes.F, x, xh + 32 + l), first);
                    q = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, qs + 16 + l, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                    m = ((IntVector) ByteVector.fromMemorySegment(Lanes.B, w, at + HMASK + 16 + l, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0)).lanewise(VectorOperators.LSHR, 4 * half);
                    second = ((FloatVector) q.lanewise(VectorOperators.LSHR, 2).and(3).or(m.lanewise(VectorOperators.LSHL, 1).and(4)).convert(VectorOperators.I2F, 0))
                            .fma(FloatVector.fromArray(Lanes.F, x, xh + 48 + l), second);
                }
                even = first.fma(scales.rearrange(Lanes.SPREAD_2), even);
                odd = second.fma(scales.rearrange(Lanes.SPREAD_3), odd);
                // sub-blocks 4 and 5 of the half: bits 4–5 of its qs bytes, bit 2 of the hmask bytes shifted
                first = FloatVector.zero(Lanes.F);
                second = first;
                for (int l = 0; l < SUB; l += Lanes.L) {
                    q = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, qs + 0 + l, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                    m = ((IntVector) ByteVector.fromMemorySegment(Lanes.B, w, at + HMASK + 0 + l, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0)).lanewise(VectorOperators.LSHR, 4 * half);
                    first = ((FloatVector) q.lanewise(VectorOperators.LSHR, 4).and(3).or(m.and(4)).convert(VectorOperators.I2F, 0))
                            .fma(FloatVector.fromArray(Lanes.F, x, xh + 64 + l), first);
                    q = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, qs + 16 + l, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                    m = ((IntVector) ByteVector.fromMemorySegment(Lanes.B, w, at + HMASK + 16 + l, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0)).lanewise(VectorOperators.LSHR, 4 * half);
                    second = ((FloatVector) q.lanewise(VectorOperators.LSHR, 4).and(3).or(m.and(4)).convert(VectorOperators.I2F, 0))
                            .fma(FloatVector.fromArray(Lanes.F, x, xh + 80 + l), second);
                }
                even = first.fma(scales.rearrange(Lanes.SPREAD_4), even);
                odd = second.fma(scales.rearrange(Lanes.SPREAD_5), odd);
                // sub-blocks 6 and 7 of the half: bits 6–7 of its qs bytes, bit 3 of the hmask bytes shifted
                first = FloatVector.zero(Lanes.F);
                second = first;
                for (int l = 0; l < SUB; l += Lanes.L) {
                    q = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, qs + 0 + l, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                    m = ((IntVector) ByteVector.fromMemorySegment(Lanes.B, w, at + HMASK + 0 + l, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0)).lanewise(VectorOperators.LSHR, 4 * half);
                    first = ((FloatVector) q.lanewise(VectorOperators.LSHR, 6).and(3).or(m.lanewise(VectorOperators.LSHR, 1).and(4)).convert(VectorOperators.I2F, 0))
                            .fma(FloatVector.fromArray(Lanes.F, x, xh + 96 + l), first);
                    q = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, qs + 16 + l, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                    m = ((IntVector) ByteVector.fromMemorySegment(Lanes.B, w, at + HMASK + 16 + l, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0)).lanewise(VectorOperators.LSHR, 4 * half);
                    second = ((FloatVector) q.lanewise(VectorOperators.LSHR, 6).and(3).or(m.lanewise(VectorOperators.LSHR, 1).and(4)).convert(VectorOperators.I2F, 0))
                            .fma(FloatVector.fromArray(Lanes.F, x, xh + 112 + l), second);
                }
                even = first.fma(scales.rearrange(Lanes.SPREAD_6), even);
                odd = second.fma(scales.rearrange(Lanes.SPREAD_7), odd);
            }
        }
        FloatVector sum = even.add(odd).sub(offsets.mul(4f));
        for (VectorShuffle<Float> fold : Lanes.FOLDS) {
            sum = sum.add(sum.rearrange(fold));
        }
        return sum.lane(0);
    }

    /** The 6-bit scales of sub-blocks 0–7, a byte each, from the scale bytes 0–7 and 8–11. */
    static long scales0to7(long lowNibbles, long highBits) {
        long high = (highBits & 0x03030303L) | ((highBits >>> 2) & 0x03030303L) << 32;
        return lowNibbles & 0x0F0F0F0F0F0F0F0FL | high << 4;
    }

    /** The 6-bit scales of sub-blocks 8–15, a byte each, from the scale bytes 0–7 and 8–11. */
    static long scales8to15(long lowNibbles, long highBits) {
        long high = ((highBits >>> 4) & 0x03030303L) | ((highBits >>> 6) & 0x03030303L) << 32;
        return (lowNibbles >>> 4) & 0x0F0F0F0F0F0F0F0FL | high << 4;
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
