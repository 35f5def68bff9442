package dev.hearth.compute.quant;

import dev.hearth.compute.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

/**
 * Q4_1: blocks of 32 elements as an fp16 scale {@code d}, an fp16 offset {@code m} and 32 four-bit
 * levels {@code q}; element {@code i} is {@code d · q[i] + m}. Byte {@code j} holds element
 * {@code j} in its low nibble and element {@code j + 16} in its high nibble.
 *
 * <pre>
 * offset 0  d       fp16
 * offset 2  m       fp16
 * offset 4  qs[16]  two 4-bit levels per byte
 * </pre>
 *
 * The quantizer (ggml's) spans each block from its minimum {@code m} to its maximum in fifteen
 * steps, {@code d = (max − m) / 15}, and rounds each element to the nearest level.
 *
 * <p>The fused kernels widen {@code L} levels at a time into int lanes and compute each element as
 * one multiply-add, {@code q · d + m}, then multiply it with the activation. The low and high
 * nibbles' products go to two accumulators, so that two chains of multiply-adds overlap.
 */
final class Q4_1 implements Quantizer, FusedDot {

    private static final GgmlType TYPE = GgmlType.Q4_1;
    private static final int BLOCK = 32;
    private static final int HALF = BLOCK / 2;
    private static final int QS = 4;

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
        float m = Blocks.half(block, at + 2);
        for (int j = 0; j < HALF; j++) {
            int packed = Blocks.unsignedByte(block, at + QS + j);
            dst[out + j] = (packed & 0xF) * d + m;
            dst[out + j + HALF] = (packed >> 4) * d + m;
        }
    }

    @Override
    public void quantize(float[] src, int srcOffset, int count, MemorySegment dst, long dstByteOffset) {
        int blocks = Blocks.checkQuantize(TYPE, src, srcOffset, count, dst, dstByteOffset);
        for (int b = 0; b < blocks; b++) {
            long at = dstByteOffset + (long) b * TYPE.typeSize();
            int from = srcOffset + b * BLOCK;
            float min = Blocks.min(src, from, BLOCK);
            float d = (Blocks.max(src, from, BLOCK) - min) / 15;
            float id = d != 0 ? 1.0f / d : 0.0f;
            Blocks.putHalf(dst, at, d);
            Blocks.putHalf(dst, at + 2, min);
            for (int j = 0; j < HALF; j++) {
                int low = Math.min(15, (int) ((src[from + j] - min) * id + 0.5f));
                int high = Math.min(15, (int) ((src[from + j + HALF] - min) * id + 0.5f));
                Blocks.putByte(dst, at + QS + j, low | (high << 4));
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

    @Override
    public float dot(MemorySegment w, long rowAt, int cols, float[] x, int xOffset) {
        FloatVector lowSum = FloatVector.zero(Lanes.F);
        FloatVector highSum = lowSum;
        for (int b = 0; b < cols / BLOCK; b++) {
            long at = rowAt + (long) b * TYPE.typeSize();
            int xb = xOffset + b * BLOCK;
            int scales = w.get(Blocks.INT_LE, at); // d and m: one read for both
            FloatVector d = FloatVector.broadcast(Lanes.F, Float.float16ToFloat((short) scales));
            FloatVector m = FloatVector.broadcast(Lanes.F, Float.float16ToFloat((short) (scales >>> 16)));
            for (int j = 0; j < HALF; j += Lanes.L) {
                IntVector packed = Lanes.unsignedInts(w, at + QS + j);
                lowSum = low(packed).fma(d, m).fma(Lanes.x(x, xb + j), lowSum);
                highSum = high(packed).fma(d, m).fma(Lanes.x(x, xb + HALF + j), highSum);
            }
        }
        FloatVector lanes = lowSum.add(highSum);
        for (VectorShuffle<Float> fold : Lanes.FOLDS) {
            lanes = lanes.add(lanes.rearrange(fold));
        }
        return lanes.lane(0);
    }

    @Override
    public void unpackRow(MemorySegment w, long rowAt, int cols, float[] dst, int dstOffset) {
        for (int b = 0; b < cols / BLOCK; b++) {
            long at = rowAt + (long) b * TYPE.typeSize();
            int out = dstOffset + b * BLOCK;
            FloatVector d = FloatVector.broadcast(Lanes.F, Blocks.half(w, at));
            FloatVector m = FloatVector.broadcast(Lanes.F, Blocks.half(w, at + 2));
            for (int j = 0; j < HALF; j += Lanes.L) {
                IntVector packed = Lanes.unsignedInts(w, at + QS + j);
                low(packed).fma(d, m).intoArray(dst, out + j);
                high(packed).fma(d, m).intoArray(dst, out + HALF + j);
            }
        }
    }

    /** The low-nibble levels of {@code L} packed bytes. */
    private static FloatVector low(IntVector packed) {
        return Lanes.toFloats(packed.and(0xF));
    }

    /** The high-nibble levels of {@code L} packed bytes (zero-extended, so the shift leaves the nibble alone). */
    private static FloatVector high(IntVector packed) {
        return Lanes.toFloats(packed.lanewise(VectorOperators.LSHR, 4));
    }
}
