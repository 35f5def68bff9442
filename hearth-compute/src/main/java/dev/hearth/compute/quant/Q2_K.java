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
 * Q2_K: super-blocks of 256 elements in 16 sub-blocks of 16, each element a 2-bit level {@code q}.
 * Sub-block {@code s} has a 4-bit scale {@code sc} and a 4-bit min {@code mn} (low and high nibble
 * of {@code scales[s]}); its elements are {@code d·sc · q − dmin·mn}.
 *
 * <pre>
 * offset  0  scales[16]  scale | min &lt;&lt; 4
 * offset 16  qs[64]      four 2-bit levels per byte
 * offset 80  d           fp16
 * offset 82  dmin        fp16
 * </pre>
 *
 * Each half of 128 elements uses 32 bytes of {@code qs}: element {@code 32·k + l} of the half
 * ({@code k} in 0..3, {@code l} in 0..31) is bits {@code 2k, 2k+1} of byte {@code l}.
 *
 * <p>The one-token kernel ({@link #dot}) sums {@code q·x} per sub-block and scales each sum once;
 * rows are unpacked a sub-block's sixteen levels {@code L} lanes at a time, shifted out of the
 * {@code qs} bytes widened to int lanes, and scaled as {@code q·(d·sc) − dmin·mn} in one multiply-add.
 */
final class Q2_K implements FusedDot {

    private static final GgmlType TYPE = GgmlType.Q2_K;
    private static final int BLOCK = GgmlType.QK_K;
    private static final int SCALES = 0;
    private static final int QS = 16;
    private static final int D = 80;
    private static final int DMIN = 82;
    private static final int SUB = 16;
    /** The low nibble of each of eight bytes. */
    private static final long NIBBLES = 0x0F0F0F0F0F0F0F0FL;

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
        for (int sub = 0; sub < 16; sub++) {
            int half = sub / 8;
            int shift = 2 * ((sub % 8) / 2);
            long qs = at + QS + 32L * half + 16L * (sub % 2);
            int scaleAndMin = Blocks.unsignedByte(block, at + SCALES + sub);
            float dl = d * (scaleAndMin & 0xF);
            float ml = dmin * (scaleAndMin >> 4);
            for (int l = 0; l < 16; l++) {
                int q = (Blocks.unsignedByte(block, qs + l) >> shift) & 3;
                dst[out + 16 * sub + l] = dl * q - ml;
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
     * One row. Per super-block: its sixteen scales {@code d·sc} and sixteen mins {@code dmin·mn}
     * in the first lanes of four vectors; per sub-block, {@code Σ q·x} as a vector of partial sums,
     * added to {@code even} or {@code odd} times the sub-block's scale (its lane spread to all);
     * the minimum terms once per super-block, against the activations' sub-block sums.
     *
     * <p>Each half of the super-block written out, its four pairs of sub-blocks one after another
     * and no helper of ours called, for the reasons {@link Q4_K}'s kernel gives; with both halves
     * written out, C1 gave up on the method (out of registers) and it stayed in the slow tiers.
     * 2.1 times the speed of the loop over sub-blocks it replaced, 1.65 with AVX2 ({@code MatMulSpeed},
     * 2048 × 8192).
     */
    private static float dot(MemorySegment w, long rowAt, int cols, float[] x, int xOffset, float[] sums) {
        FloatVector even = FloatVector.zero(Lanes.F);
        FloatVector odd = even;
        FloatVector mins = even;
        FloatVector first;
        FloatVector second;
        IntVector q;
        for (int b = 0; b < cols / BLOCK; b++) {
            long at = rowAt + (long) b * TYPE.typeSize();
            int xs = xOffset + b * BLOCK;
            long packed0to7 = w.get(Blocks.LONG_LE, at + SCALES);
            long packed8to15 = w.get(Blocks.LONG_LE, at + SCALES + 8);
            float d = Float.float16ToFloat(w.get(Blocks.SHORT_LE, at + D));
            float dmin = Float.float16ToFloat(w.get(Blocks.SHORT_LE, at + DMIN));
            FloatVector low8 = ((FloatVector) LongVector.broadcast(Lanes.EIGHT_BYTES, packed0to7 & NIBBLES)
                    .reinterpretAsBytes().convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(d);
            FloatVector high8 = ((FloatVector) LongVector.broadcast(Lanes.EIGHT_BYTES, packed8to15 & NIBBLES)
                    .reinterpretAsBytes().convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(d);
            mins = ((FloatVector) LongVector.broadcast(Lanes.EIGHT_BYTES, (packed0to7 >>> 4) & NIBBLES)
                    .reinterpretAsBytes().convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(dmin)
                    .fma(FloatVector.fromArray(Lanes.F, sums, 2 * b * Lanes.L), mins);
            mins = ((FloatVector) LongVector.broadcast(Lanes.EIGHT_BYTES, (packed8to15 >>> 4) & NIBBLES)
                    .reinterpretAsBytes().convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(dmin)
                    .fma(FloatVector.fromArray(Lanes.F, sums, (2 * b + 1) * Lanes.L), mins);
            for (int half = 0; half < 2; half++) {
                long qs = at + QS + 32L * half;
                int xh = xs + 128 * half;
                FloatVector scales = half == 0 ? low8 : high8;
                // sub-blocks 0 and 1 of the half: bits 0–1 of its qs bytes
                first = FloatVector.zero(Lanes.F);
                second = first;
                for (int l = 0; l < SUB; l += Lanes.L) {
                    q = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, qs + 0 + l, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                    first = ((FloatVector) q.and(3).convert(VectorOperators.I2F, 0))
                            .fma(FloatVector.fromArray(Lanes.F, x, xh + 0 + l), first);
                    q = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, qs + 16 + l, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                    second = ((FloatVector) q.and(3).convert(VectorOperators.I2F, 0))
                            .fma(FloatVector.fromArray(Lanes.F, x, xh + 16 + l), second);
                }
                even = first.fma(scales.rearrange(Lanes.SPREAD_0), even);
                odd = second.fma(scales.rearrange(Lanes.SPREAD_1), odd);
                // sub-blocks 2 and 3 of the half: bits 2–3 of its qs bytes
                first = FloatVector.zero(Lanes.F);
                second = first;
                for (int l = 0; l < SUB; l += Lanes.L) {
                    q = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, qs + 0 + l, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                    first = ((FloatVector) q.lanewise(VectorOperators.LSHR, 2).and(3).convert(VectorOperators.I2F, 0))
                            .fma(FloatVector.fromArray(Lanes.F, x, xh + 32 + l), first);
                    q = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, qs + 16 + l, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                    second = ((FloatVector) q.lanewise(VectorOperators.LSHR, 2).and(3).convert(VectorOperators.I2F, 0))
                            .fma(FloatVector.fromArray(Lanes.F, x, xh + 48 + l), second);
                }
                even = first.fma(scales.rearrange(Lanes.SPREAD_2), even);
                odd = second.fma(scales.rearrange(Lanes.SPREAD_3), odd);
                // sub-blocks 4 and 5 of the half: bits 4–5 of its qs bytes
                first = FloatVector.zero(Lanes.F);
                second = first;
                for (int l = 0; l < SUB; l += Lanes.L) {
                    q = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, qs + 0 + l, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                    first = ((FloatVector) q.lanewise(VectorOperators.LSHR, 4).and(3).convert(VectorOperators.I2F, 0))
                            .fma(FloatVector.fromArray(Lanes.F, x, xh + 64 + l), first);
                    q = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, qs + 16 + l, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                    second = ((FloatVector) q.lanewise(VectorOperators.LSHR, 4).and(3).convert(VectorOperators.I2F, 0))
                            .fma(FloatVector.fromArray(Lanes.F, x, xh + 80 + l), second);
                }
                even = first.fma(scales.rearrange(Lanes.SPREAD_4), even);
                odd = second.fma(scales.rearrange(Lanes.SPREAD_5), odd);
                // sub-blocks 6 and 7 of the half: bits 6–7 of its qs bytes
                first = FloatVector.zero(Lanes.F);
                second = first;
                for (int l = 0; l < SUB; l += Lanes.L) {
                    q = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, qs + 0 + l, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                    first = ((FloatVector) q.lanewise(VectorOperators.LSHR, 6).and(3).convert(VectorOperators.I2F, 0))
                            .fma(FloatVector.fromArray(Lanes.F, x, xh + 96 + l), first);
                    q = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, qs + 16 + l, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                    second = ((FloatVector) q.lanewise(VectorOperators.LSHR, 6).and(3).convert(VectorOperators.I2F, 0))
                            .fma(FloatVector.fromArray(Lanes.F, x, xh + 112 + l), second);
                }
                even = first.fma(scales.rearrange(Lanes.SPREAD_6), even);
                odd = second.fma(scales.rearrange(Lanes.SPREAD_7), odd);
            }
        }
        FloatVector sum = even.add(odd).sub(mins);
        for (VectorShuffle<Float> fold : Lanes.FOLDS) {
            sum = sum.add(sum.rearrange(fold));
        }
        return sum.lane(0);
    }

    /**
     * Written with the Vector API's own calls only: a helper of ours taking or returning a vector
     * can be left as a call where the loops of products that every format shares call the
     * unpacking from two places, and every vector crossing it is then allocated.
     */
    @Override
    public void unpackRow(MemorySegment w, long rowAt, int cols, float[] dst, int dstOffset) {
        for (int b = 0; b < cols / BLOCK; b++) {
            long at = rowAt + (long) b * TYPE.typeSize();
            float d = Float.float16ToFloat(w.get(Blocks.SHORT_LE, at + D));
            float dmin = -Float.float16ToFloat(w.get(Blocks.SHORT_LE, at + DMIN));
            for (int sub = 0; sub < 16; sub++) {
                int scaleAndMin = Blocks.unsignedByte(w, at + SCALES + sub);
                FloatVector scale = FloatVector.broadcast(Lanes.F, d * (scaleAndMin & 0xF));
                FloatVector min = FloatVector.broadcast(Lanes.F, dmin * (scaleAndMin >> 4));
                int shift = 2 * ((sub % 8) / 2);
                long qs = at + QS + 32L * (sub / 8) + 16L * (sub % 2);
                for (int l = 0; l < 16; l += Lanes.L) {
                    IntVector q = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, qs + l, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                    ((FloatVector) q.lanewise(VectorOperators.LSHR, shift).and(3).convert(VectorOperators.I2F, 0))
                            .fma(scale, min).intoArray(dst, dstOffset + b * BLOCK + 16 * sub + l);
                }
            }
        }
    }
}
