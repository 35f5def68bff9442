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
 * Q6_K: super-blocks of 256 elements in 16 sub-blocks of 16, each element a 6-bit level {@code q};
 * elements of sub-block {@code s} are {@code d · scales[s] · (q − 32)} with a signed 8-bit
 * sub-block scale.
 *
 * <pre>
 * offset   0  ql[128]     low 4 bits of each level
 * offset 128  qh[64]      high 2 bits, four per byte
 * offset 192  scales[16]  int8
 * offset 208  d           fp16
 * </pre>
 *
 * Each half of 128 elements uses 64 bytes of {@code ql} and 32 of {@code qh}. Element
 * {@code 32·k + l} of the half ({@code k} in 0..3, {@code l} in 0..31) has its low bits in
 * {@code ql[l + 32·(k % 2)]} (low nibble for {@code k < 2}, high nibble otherwise) and its high
 * bits in bits {@code 2k, 2k+1} of {@code qh[l]}.
 *
 * <p>The quantizer is ggml's {@code quantize_row_q6_K_ref}: each sub-block gets a symmetric scale
 * from {@link ScaleSearch#symmetric}, the sixteen scales are quantized to int8 against the
 * largest, and every element is re-quantized against the scale it will be read with.
 */
final class Q6_K implements Quantizer, FusedDot {

    private static final GgmlType TYPE = GgmlType.Q6_K;
    private static final int BLOCK = GgmlType.QK_K;
    private static final int SUB = 16;
    private static final int SUB_BLOCKS = BLOCK / SUB;
    private static final int QL = 0;
    private static final int QH = 128;
    private static final int SCALES = 192;
    private static final int D = 208;

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
        for (int i = 0; i < BLOCK; i++) {
            int half = i / 128;
            int k = (i % 128) / 32;
            int l = i % 32;
            int lowByte = Blocks.unsignedByte(block, at + QL + 64L * half + l + 32 * (k % 2));
            int low = (lowByte >> (4 * (k / 2))) & 0xF;
            int high = (Blocks.unsignedByte(block, at + QH + 32L * half + l) >> (2 * k)) & 3;
            int q = (low | (high << 4)) - 32;
            dst[out + i] = d * Blocks.signedByte(block, at + SCALES + i / SUB) * q;
        }
    }

    @Override
    public void quantize(float[] src, int srcOffset, int count, MemorySegment dst, long dstByteOffset) {
        int blocks = Blocks.checkQuantize(TYPE, src, srcOffset, count, dst, dstByteOffset);
        for (int b = 0; b < blocks; b++) {
            quantizeBlock(src, srcOffset + b * BLOCK, dst, dstByteOffset + (long) b * TYPE.typeSize());
        }
    }

    private static void quantizeBlock(float[] x, int from, MemorySegment block, long at) {
        byte[] levels = new byte[BLOCK];
        float[] scales = new float[SUB_BLOCKS];
        float maxScale = 0;
        float maxAbsScale = 0;
        for (int sub = 0; sub < SUB_BLOCKS; sub++) {
            scales[sub] = ScaleSearch.symmetric(x, from + SUB * sub, SUB, 32, levels, SUB * sub);
            if (Math.abs(scales[sub]) > maxAbsScale) {
                maxAbsScale = Math.abs(scales[sub]);
                maxScale = scales[sub];
            }
        }
        if (maxAbsScale < ScaleSearch.GROUP_MAX_EPS) {
            block.asSlice(at, TYPE.typeSize()).fill((byte) 0);
            return;
        }

        float iscale = -128f / maxScale;
        Blocks.putHalf(block, at + D, 1 / iscale);
        byte[] quantizedScales = new byte[SUB_BLOCKS];
        for (int sub = 0; sub < SUB_BLOCKS; sub++) {
            quantizedScales[sub] = (byte) Math.min(127, ScaleSearch.nearestInt(iscale * scales[sub]));
            Blocks.putByte(block, at + SCALES + sub, quantizedScales[sub]);
        }

        float d = Blocks.half(block, at + D);
        for (int sub = 0; sub < SUB_BLOCKS; sub++) {
            float scale = d * quantizedScales[sub];
            if (scale == 0) {
                continue; // keeps the search's levels; they read back as 0 either way
            }
            for (int l = 0; l < SUB; l++) {
                int i = SUB * sub + l;
                levels[i] = (byte) (ScaleSearch.clamp(ScaleSearch.nearestInt(x[from + i] / scale), -32, 31) + 32);
            }
        }

        for (int half = 0; half < 2; half++) {
            int base = 128 * half;
            for (int l = 0; l < 32; l++) {
                int q0 = levels[base + l];
                int q1 = levels[base + l + 32];
                int q2 = levels[base + l + 64];
                int q3 = levels[base + l + 96];
                Blocks.putByte(block, at + QL + 64L * half + l, (q0 & 0xF) | ((q2 & 0xF) << 4));
                Blocks.putByte(block, at + QL + 64L * half + l + 32, (q1 & 0xF) | ((q3 & 0xF) << 4));
                Blocks.putByte(block, at + QH + 32L * half + l,
                        (q0 >> 4) | ((q1 >> 4) << 2) | ((q2 >> 4) << 4) | ((q3 >> 4) << 6));
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
     * One row. Per half super-block: its eight scales times {@code d} in the first lanes of a
     * vector; per sub-block, {@code Σ q·x} over the levels without their offset as a vector of
     * partial sums, added to {@code even} (quarters 0 and 1, the low nibbles of {@code ql}) or
     * {@code odd} (quarters 2 and 3, the high nibbles) times the sub-block's scale; the offsets
     * once per half, against the activations' sub-block sums. Written out sub-block by sub-block
     * with no helper of ours called, for the reasons {@link Q4_K}'s kernel gives: 1.25 times the
     * speed of the loops over halves, steps and quarters it replaced, 1.7 with AVX2 (one core, rows
     * in cache).
     * Writing out both halves too gave 1.4 times, but made a method that C1 failed to compile (out
     * of virtual registers), and in a model run the kernel then stayed in the slow tiers.
     */
    private static float dot(MemorySegment w, long rowAt, int cols, float[] x, int xOffset, float[] sums) {
        FloatVector even = FloatVector.zero(Lanes.F);
        FloatVector odd = even;
        FloatVector offsets = even;
        FloatVector low;
        FloatVector high;
        for (int b = 0; b < cols / BLOCK; b++) {
            long at = rowAt + (long) b * TYPE.typeSize();
            float d = Float.float16ToFloat(w.get(Blocks.SHORT_LE, at + D));
            for (int half = 0; half < 2; half++) {
                int xh = xOffset + b * BLOCK + 128 * half;
                long qlAt = at + QL + 64L * half;
                long qhAt = at + QH + 32L * half;
                FloatVector scales = ((FloatVector) LongVector.broadcast(Lanes.EIGHT_BYTES,
                        w.get(Blocks.LONG_LE, at + SCALES + 8L * half))
                        .reinterpretAsBytes().convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(d);
                offsets = scales.fma(FloatVector.fromArray(Lanes.F, sums, (2 * b + half) * Lanes.L), offsets);
                // sub-block 0 (quarter 0: low nibbles, bits 0–1 of qh) and 4 (quarter 2: high nibbles, bits 4–5)
                low = FloatVector.zero(Lanes.F);
                high = low;
                for (int l = 0; l < SUB; l += Lanes.L) {
                    IntVector ql = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, qlAt + l, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                    IntVector qh = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, qhAt + l, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                    IntVector lowLevels = ql.and(0xF).or(qh.lanewise(VectorOperators.LSHL, 4).and(0x30));
                    IntVector highLevels = ql.lanewise(VectorOperators.LSHR, 4).or(qh.and(0x30));
                    low = ((FloatVector) lowLevels.convert(VectorOperators.I2F, 0))
                            .fma(FloatVector.fromArray(Lanes.F, x, xh + l), low);
                    high = ((FloatVector) highLevels.convert(VectorOperators.I2F, 0))
                            .fma(FloatVector.fromArray(Lanes.F, x, xh + 64 + l), high);
                }
                even = low.fma(scales.rearrange(Lanes.SPREAD_0), even);
                odd = high.fma(scales.rearrange(Lanes.SPREAD_4), odd);
                // sub-block 1 (quarter 0: low nibbles, bits 0–1 of qh) and 5 (quarter 2: high nibbles, bits 4–5)
                low = FloatVector.zero(Lanes.F);
                high = low;
                for (int l = 0; l < SUB; l += Lanes.L) {
                    IntVector ql = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, qlAt + 16 + l, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                    IntVector qh = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, qhAt + 16 + l, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                    IntVector lowLevels = ql.and(0xF).or(qh.lanewise(VectorOperators.LSHL, 4).and(0x30));
                    IntVector highLevels = ql.lanewise(VectorOperators.LSHR, 4).or(qh.and(0x30));
                    low = ((FloatVector) lowLevels.convert(VectorOperators.I2F, 0))
                            .fma(FloatVector.fromArray(Lanes.F, x, xh + 16 + l), low);
                    high = ((FloatVector) highLevels.convert(VectorOperators.I2F, 0))
                            .fma(FloatVector.fromArray(Lanes.F, x, xh + 80 + l), high);
                }
                even = low.fma(scales.rearrange(Lanes.SPREAD_1), even);
                odd = high.fma(scales.rearrange(Lanes.SPREAD_5), odd);
                // sub-block 2 (quarter 1: low nibbles, bits 2–3 of qh) and 6 (quarter 3: high nibbles, bits 6–7)
                low = FloatVector.zero(Lanes.F);
                high = low;
                for (int l = 0; l < SUB; l += Lanes.L) {
                    IntVector ql = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, qlAt + 32 + l, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                    IntVector qh = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, qhAt + l, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                    IntVector lowLevels = ql.and(0xF).or(qh.lanewise(VectorOperators.LSHL, 2).and(0x30));
                    IntVector highLevels = ql.lanewise(VectorOperators.LSHR, 4)
                            .or(qh.lanewise(VectorOperators.LSHR, 2).and(0x30));
                    low = ((FloatVector) lowLevels.convert(VectorOperators.I2F, 0))
                            .fma(FloatVector.fromArray(Lanes.F, x, xh + 32 + l), low);
                    high = ((FloatVector) highLevels.convert(VectorOperators.I2F, 0))
                            .fma(FloatVector.fromArray(Lanes.F, x, xh + 96 + l), high);
                }
                even = low.fma(scales.rearrange(Lanes.SPREAD_2), even);
                odd = high.fma(scales.rearrange(Lanes.SPREAD_6), odd);
                // sub-block 3 (quarter 1: low nibbles, bits 2–3 of qh) and 7 (quarter 3: high nibbles, bits 6–7)
                low = FloatVector.zero(Lanes.F);
                high = low;
                for (int l = 0; l < SUB; l += Lanes.L) {
                    IntVector ql = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, qlAt + 48 + l, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                    IntVector qh = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, qhAt + 16 + l, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                    IntVector lowLevels = ql.and(0xF).or(qh.lanewise(VectorOperators.LSHL, 2).and(0x30));
                    IntVector highLevels = ql.lanewise(VectorOperators.LSHR, 4)
                            .or(qh.lanewise(VectorOperators.LSHR, 2).and(0x30));
                    low = ((FloatVector) lowLevels.convert(VectorOperators.I2F, 0))
                            .fma(FloatVector.fromArray(Lanes.F, x, xh + 48 + l), low);
                    high = ((FloatVector) highLevels.convert(VectorOperators.I2F, 0))
                            .fma(FloatVector.fromArray(Lanes.F, x, xh + 112 + l), high);
                }
                even = low.fma(scales.rearrange(Lanes.SPREAD_3), even);
                odd = high.fma(scales.rearrange(Lanes.SPREAD_7), odd);
            }
        }
        FloatVector sum = even.add(odd).sub(offsets.mul(32));
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
            for (int half = 0; half < 2; half++) {
                int out = dstOffset + b * BLOCK + 128 * half;
                for (int l = 0; l < 32; l += Lanes.L) {
                    IntVector low0 = Lanes.ints(w, at + QL + 64L * half + l);
                    IntVector low1 = Lanes.ints(w, at + QL + 64L * half + 32 + l);
                    IntVector high = Lanes.ints(w, at + QH + 32L * half + l);
                    for (int k = 0; k < 4; k++) {
                        level(k % 2 == 0 ? low0 : low1, high, k, scale(w, at, d, half, k, l))
                                .intoArray(dst, out + 32 * k + l);
                    }
                }
            }
        }
    }

    /**
     * Elements {@code 32·k + l .. + L} of a half block, dequantized, from the {@code ql} bytes
     * {@code low} (at {@code l + 32·(k % 2)}) and the {@code qh} bytes {@code high} (at {@code l}):
     * the layout the class comment describes, {@code L} lanes at a time (all in one sub-block).
     */
    private static FloatVector level(IntVector low, IntVector high, int k, float scale) {
        IntVector q = low.lanewise(VectorOperators.ASHR, 4 * (k / 2)).and(0xF)
                .or(high.lanewise(VectorOperators.ASHR, 2 * k).and(3).lanewise(VectorOperators.LSHL, 4));
        return Lanes.toFloats(q.sub(32)).mul(scale);
    }

    /** {@code d} times the scale of the sub-block that holds elements {@code 32·k + l ..} of the half. */
    private static float scale(MemorySegment w, long at, float d, int half, int k, int l) {
        return d * Blocks.signedByte(w, at + SCALES + (128 * half + 32 * k + l) / SUB);
    }
}
