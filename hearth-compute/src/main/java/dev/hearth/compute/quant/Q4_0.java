package dev.hearth.compute.quant;

import dev.hearth.compute.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

/**
 * Q4_0: blocks of 32 elements as one fp16 scale {@code d} and 32 four-bit levels {@code q};
 * element {@code i} is {@code d · (q[i] − 8)}. Byte {@code j} holds element {@code j} in its low
 * nibble and element {@code j + 16} in its high nibble.
 *
 * <pre>
 * offset 0  d       fp16
 * offset 2  qs[16]  two 4-bit levels per byte
 * </pre>
 *
 * The quantizer sets {@code d = m / −8}, where {@code m} is the block's largest-magnitude element,
 * so {@code m} lands exactly on level 0 (value {@code −8d = m}) and the remaining levels cover
 * {@code −8d .. 7d}. Elements of the opposite sign beyond {@code 7.5|d|} clamp to level 15 and may
 * be off by up to {@code |d| = max|x|/8}; every other element is off by at most {@code |d|/2}.
 */
final class Q4_0 implements Quantizer, FusedDot {

    private static final GgmlType TYPE = GgmlType.Q4_0;
    private static final int BLOCK = 32;
    private static final int HALF = BLOCK / 2;
    private static final int QS = 2;

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
        float d = Blocks.half(block, at);
        for (int j = 0; j < HALF; j++) {
            int packed = Blocks.unsignedByte(block, at + QS + j);
            dst[out + j] = ((packed & 0xF) - 8) * d;
            dst[out + j + HALF] = ((packed >> 4) - 8) * d;
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
        float amax = 0;
        float max = 0;
        for (int i = 0; i < BLOCK; i++) {
            float v = x[from + i];
            if (amax < Math.abs(v)) {
                amax = Math.abs(v);
                max = v;
            }
        }
        float d = max / -8;
        float id = d != 0 ? 1.0f / d : 0.0f;
        Blocks.putHalf(block, at, d);
        for (int j = 0; j < HALF; j++) {
            int low = level(x[from + j] * id);
            int high = level(x[from + j + HALF] * id);
            Blocks.putByte(block, at + QS + j, low | (high << 4));
        }
    }

    /** ggml's {@code MIN(15, (int8_t)(v + 8.5f))}: adding 8.5 and truncating rounds half up. */
    private static int level(float scaled) {
        return Math.min(15, (int) (scaled + 8.5f));
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
                IntVector packed = Lanes.ints(w, at + QS + j);
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
            int out = dstOffset + b * BLOCK;
            FloatVector d = FloatVector.broadcast(Lanes.F, Blocks.half(w, at));
            for (int j = 0; j < HALF; j += Lanes.L) {
                IntVector packed = Lanes.ints(w, at + QS + j);
                low(packed).mul(d).intoArray(dst, out + j);
                high(packed).mul(d).intoArray(dst, out + HALF + j);
            }
        }
    }

    /** The low-nibble levels of {@code L} packed bytes, minus 8. */
    private static FloatVector low(IntVector packed) {
        return Lanes.toFloats(packed.and(0xF).sub(8));
    }

    /** The high-nibble levels of {@code L} packed bytes, minus 8. */
    private static FloatVector high(IntVector packed) {
        return Lanes.toFloats(packed.lanewise(VectorOperators.ASHR, 4).and(0xF).sub(8));
    }
}
