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
 * Q4_K: super-blocks of 256 elements in 8 sub-blocks of 32, each element a 4-bit level {@code q}.
 * Sub-block {@code s} has a 6-bit scale {@code sc} and 6-bit min {@code mn} (packed as
 * {@link KScales} describes); its elements are {@code d·sc · q − dmin·mn}.
 *
 * <pre>
 * offset  0  d           fp16
 * offset  2  dmin        fp16
 * offset  4  scales[12]  eight 6-bit scales and eight 6-bit mins
 * offset 16  qs[128]     two 4-bit levels per byte
 * </pre>
 *
 * Each 64 elements use 32 bytes of {@code qs}: the first 32 elements in the low nibbles, the next
 * 32 in the high nibbles.
 *
 * <p>The quantizer is ggml's {@code quantize_row_q4_K_ref}: each sub-block gets a scale and min
 * from {@link ScaleSearch#withMin} (weights {@code rms + |x|}), the eight scales and the eight
 * mins are then quantized to 6 bits against their maxima, and every element is re-quantized
 * against the scale and min it will actually be read with.
 */
final class Q4_K implements Quantizer, FusedDot {

    private static final GgmlType TYPE = GgmlType.Q4_K;
    private static final int BLOCK = GgmlType.QK_K;
    private static final int SUB = 32;
    private static final int D = 0;
    private static final int DMIN = 2;
    private static final int SCALES = 4;
    private static final int QS = 16;

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
                int q = (Blocks.unsignedByte(block, qs + l) >> shift) & 0xF;
                dst[out + SUB * sub + l] = scale * q - min;
            }
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
        float[] scales = new float[KScales.SUB_BLOCKS];
        float[] mins = new float[KScales.SUB_BLOCKS];
        float[] weights = new float[SUB];
        float maxScale = 0;
        float maxMin = 0;
        for (int sub = 0; sub < KScales.SUB_BLOCKS; sub++) {
            int start = from + SUB * sub;
            float sumSquares = 0;
            for (int l = 0; l < SUB; l++) {
                sumSquares += x[start + l] * x[start + l];
            }
            float rms = (float) Math.sqrt(sumSquares / SUB);
            for (int l = 0; l < SUB; l++) {
                weights[l] = rms + Math.abs(x[start + l]);
            }
            ScaleSearch.ScaleAndMin fit =
                    ScaleSearch.withMin(x, start, SUB, 15, weights, levels, SUB * sub, -1f, 0.1f, 20);
            scales[sub] = fit.scale();
            mins[sub] = fit.min();
            if (fit.scale() > maxScale) {
                maxScale = fit.scale();
            }
            if (fit.min() > maxMin) {
                maxMin = fit.min();
            }
        }

        float inverseScale = maxScale > 0 ? 63f / maxScale : 0f;
        float inverseMin = maxMin > 0 ? 63f / maxMin : 0f;
        int[] quantizedScales = new int[KScales.SUB_BLOCKS];
        int[] quantizedMins = new int[KScales.SUB_BLOCKS];
        for (int sub = 0; sub < KScales.SUB_BLOCKS; sub++) {
            quantizedScales[sub] = sixBits(inverseScale * scales[sub]);
            quantizedMins[sub] = sixBits(inverseMin * mins[sub]);
        }
        Blocks.putHalf(block, at + D, maxScale / 63f);
        Blocks.putHalf(block, at + DMIN, maxMin / 63f);
        KScales.pack(quantizedScales, quantizedMins, block, at + SCALES);

        float d = Blocks.half(block, at + D);
        float dmin = Blocks.half(block, at + DMIN);
        for (int sub = 0; sub < KScales.SUB_BLOCKS; sub++) {
            float scale = d * quantizedScales[sub];
            if (scale == 0) {
                continue; // keeps the search's levels; they read back as −min either way
            }
            float min = dmin * quantizedMins[sub];
            for (int l = 0; l < SUB; l++) {
                int i = SUB * sub + l;
                levels[i] = (byte) ScaleSearch.clamp(ScaleSearch.nearestInt((x[from + i] + min) / scale), 0, 15);
            }
        }

        for (int chunk = 0; chunk < BLOCK / 64; chunk++) {
            for (int l = 0; l < 32; l++) {
                int low = levels[64 * chunk + l];
                int high = levels[64 * chunk + 32 + l];
                Blocks.putByte(block, at + QS + 32L * chunk + l, low | (high << 4));
            }
        }
    }

    /** ggml's {@code MIN(63, (uint8_t) nearest_int(v))}: a negative result wraps, then clamps. */
    private static int sixBits(float value) {
        return Math.min(63, ScaleSearch.nearestInt(value) & 0xFF);
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
     * One row. Per super-block: its eight scales {@code d·sc} and eight mins {@code dmin·mn} in the
     * first lanes of two vectors; per sub-block, {@code Σ q·x} as a vector of partial sums, added
     * to {@code even} or {@code odd} times the sub-block's scale (its lane spread to all); the
     * minimum terms once, against the activations' sub-block sums.
     *
     * <p>Written out, the four pairs of sub-blocks one after another and no helper of ours called.
     * C2 compiles loops of two and four turns nested in each other with as much bookkeeping as
     * arithmetic, and it stops inlining our helpers once a method's Vector API calls have grown it
     * past its node budget (a helper left as a call has its vectors allocated on the heap). Each
     * accumulator takes one multiply-add per sub-block, so no chain of dependent multiply-adds
     * sets the pace. 1.6 to 1.9 times the speed of the loop over pairs with two accumulators that
     * this replaced, on one core with the rows in cache (1.5 to 1.8 with AVX2); 1.4 times streamed
     * on two.
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
            // sub-blocks 0 and 1: the low and the high nibbles of bytes 0–31
            low = FloatVector.zero(Lanes.F);
            high = low;
            for (int l = 0; l < SUB; l += Lanes.L) {
                IntVector q = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, at + QS + l, Lanes.LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                low = ((FloatVector) q.and(0xF).convert(VectorOperators.I2F, 0))
                        .fma(FloatVector.fromArray(Lanes.F, x, xs + l), low);
                high = ((FloatVector) q.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0))
                        .fma(FloatVector.fromArray(Lanes.F, x, xs + 32 + l), high);
            }
            even = low.fma(scales.rearrange(Lanes.SPREAD_0), even);
            odd = high.fma(scales.rearrange(Lanes.SPREAD_1), odd);
            // sub-blocks 2 and 3: the low and the high nibbles of bytes 32–63
            low = FloatVector.zero(Lanes.F);
            high = low;
            for (int l = 0; l < SUB; l += Lanes.L) {
                IntVector q = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, at + QS + 32 + l, Lanes.LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                low = ((FloatVector) q.and(0xF).convert(VectorOperators.I2F, 0))
                        .fma(FloatVector.fromArray(Lanes.F, x, xs + 64 + l), low);
                high = ((FloatVector) q.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0))
                        .fma(FloatVector.fromArray(Lanes.F, x, xs + 96 + l), high);
            }
            even = low.fma(scales.rearrange(Lanes.SPREAD_2), even);
            odd = high.fma(scales.rearrange(Lanes.SPREAD_3), odd);
            // sub-blocks 4 and 5: the low and the high nibbles of bytes 64–95
            low = FloatVector.zero(Lanes.F);
            high = low;
            for (int l = 0; l < SUB; l += Lanes.L) {
                IntVector q = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, at + QS + 64 + l, Lanes.LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                low = ((FloatVector) q.and(0xF).convert(VectorOperators.I2F, 0))
                        .fma(FloatVector.fromArray(Lanes.F, x, xs + 128 + l), low);
                high = ((FloatVector) q.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0))
                        .fma(FloatVector.fromArray(Lanes.F, x, xs + 160 + l), high);
            }
            even = low.fma(scales.rearrange(Lanes.SPREAD_4), even);
            odd = high.fma(scales.rearrange(Lanes.SPREAD_5), odd);
            // sub-blocks 6 and 7: the low and the high nibbles of bytes 96–127
            low = FloatVector.zero(Lanes.F);
            high = low;
            for (int l = 0; l < SUB; l += Lanes.L) {
                IntVector q = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, at + QS + 96 + l, Lanes.LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                low = ((FloatVector) q.and(0xF).convert(VectorOperators.I2F, 0))
                        .fma(FloatVector.fromArray(Lanes.F, x, xs + 192 + l), low);
                high = ((FloatVector) q.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0))
                        .fma(FloatVector.fromArray(Lanes.F, x, xs + 224 + l), high);
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
                    IntVector packed = Lanes.unsignedInts(w, at + QS + 32L * (sub / 2) + l);
                    (sub % 2 == 0 ? low(packed) : high(packed)).fma(scale, min).intoArray(dst, out + l);
                }
            }
        }
    }

    /** The low-nibble levels of {@code L} packed bytes (unsigned). */
    private static FloatVector low(IntVector packed) {
        return Lanes.toFloats(packed.and(0xF));
    }

    /** The high-nibble levels of {@code L} packed bytes (unsigned). */
    private static FloatVector high(IntVector packed) {
        return Lanes.toFloats(packed.lanewise(VectorOperators.LSHR, 4));
    }
}
