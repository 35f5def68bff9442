package dev.hearth.compute.quant;

import dev.hearth.compute.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

/**
 * Q5_1: blocks of 32 elements as an fp16 scale {@code d}, an fp16 offset {@code m} and 32
 * five-bit levels {@code q}; element {@code i} is {@code d · q[i] + m}. The levels are packed as
 * in {@link Q5_0}.
 *
 * <pre>
 * offset 0  d       fp16
 * offset 2  m       fp16
 * offset 4  qh      uint32, high bits
 * offset 8  qs[16]  low 4 bits, two per byte
 * </pre>
 *
 * The quantizer (ggml's) spans each block from its minimum {@code m} to its maximum in 31 steps,
 * {@code d = (max − m) / 31}, and rounds each element to the nearest level.
 *
 * <p>The fused kernels widen {@code L} levels at a time into int lanes, add 16 in the lanes whose
 * fifth bit is set (a lane mask made from {@code L} bits of {@code qh}) and compute each element as
 * one multiply-add, {@code q · d + m}, as {@link Q4_1}'s do.
 */
final class Q5_1 implements Quantizer, FusedDot {

    private static final GgmlType TYPE = GgmlType.Q5_1;
    private static final int BLOCK = 32;
    private static final int HALF = BLOCK / 2;
    private static final int QH = 4;
    private static final int QS = 8;

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
        int highBits = block.get(Blocks.INT_LE, at + QH);
        for (int j = 0; j < HALF; j++) {
            int packed = Blocks.unsignedByte(block, at + QS + j);
            int low = (packed & 0xF) | (((highBits >>> j) & 1) << 4);
            int high = (packed >> 4) | (((highBits >>> (j + HALF)) & 1) << 4);
            dst[out + j] = low * d + m;
            dst[out + j + HALF] = high * d + m;
        }
    }

    @Override
    public void quantize(float[] src, int srcOffset, int count, MemorySegment dst, long dstByteOffset) {
        int blocks = Blocks.checkQuantize(TYPE, src, srcOffset, count, dst, dstByteOffset);
        for (int b = 0; b < blocks; b++) {
            long at = dstByteOffset + (long) b * TYPE.typeSize();
            int from = srcOffset + b * BLOCK;
            float min = Blocks.min(src, from, BLOCK);
            float d = (Blocks.max(src, from, BLOCK) - min) / 31;
            float id = d != 0 ? 1.0f / d : 0.0f;
            Blocks.putHalf(dst, at, d);
            Blocks.putHalf(dst, at + 2, min);
            int highBits = 0;
            for (int j = 0; j < HALF; j++) {
                int low = level((src[from + j] - min) * id);
                int high = level((src[from + j + HALF] - min) * id);
                Blocks.putByte(dst, at + QS + j, (low & 0xF) | ((high & 0xF) << 4));
                highBits |= (low >> 4) << j;
                highBits |= (high >> 4) << (j + HALF);
            }
            dst.set(Blocks.INT_LE, at + QH, highBits);
        }
    }

    /** ggml's {@code (uint8_t)(v + 0.5f)} for {@code v} in {@code [0, 31]}: adding a half and truncating rounds half up. */
    private static int level(float scaled) {
        return (int) (scaled + 0.5f);
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
            long head = w.get(Blocks.LONG_LE, at); // d, m and qh: one read for the three fields
            FloatVector d = FloatVector.broadcast(Lanes.F, Float.float16ToFloat((short) head));
            FloatVector m = FloatVector.broadcast(Lanes.F, Float.float16ToFloat((short) (head >>> 16)));
            int highBits = (int) (head >>> 8 * QH);
            for (int j = 0; j < HALF; j += Lanes.L) {
                IntVector packed = Lanes.unsignedInts(w, at + QS + j);
                lowSum = low(packed, highBits >>> j).fma(d, m).fma(Lanes.x(x, xb + j), lowSum);
                highSum = high(packed, highBits >>> (HALF + j)).fma(d, m).fma(Lanes.x(x, xb + HALF + j), highSum);
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
            int highBits = w.get(Blocks.INT_LE, at + QH);
            for (int j = 0; j < HALF; j += Lanes.L) {
                IntVector packed = Lanes.unsignedInts(w, at + QS + j);
                low(packed, highBits >>> j).fma(d, m).intoArray(dst, out + j);
                high(packed, highBits >>> (HALF + j)).fma(d, m).intoArray(dst, out + HALF + j);
            }
        }
    }

    /** The levels of the low nibbles of {@code L} packed bytes, whose fifth bits are set where {@code highBits} is. */
    private static FloatVector low(IntVector packed, int highBits) {
        return Lanes.toFloats(packed.and(0xF).lanewise(VectorOperators.ADD, 16, set(highBits)));
    }

    /** The levels of the high nibbles of {@code L} packed bytes, as {@link #low}. */
    private static FloatVector high(IntVector packed, int highBits) {
        return Lanes.toFloats(packed.lanewise(VectorOperators.LSHR, 4).lanewise(VectorOperators.ADD, 16, set(highBits)));
    }

    /** The lanes whose bit of {@code highBits} (lane {@code i}, bit {@code i}) is set. */
    private static VectorMask<Integer> set(int highBits) {
        return VectorMask.fromLong(Lanes.I, highBits);
    }
}
