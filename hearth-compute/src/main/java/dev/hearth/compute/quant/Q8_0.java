package dev.hearth.compute.quant;

import dev.hearth.compute.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;

/**
 * Q8_0: blocks of 32 elements as one fp16 scale {@code d} and 32 signed bytes {@code q}; element
 * {@code i} is {@code d · q[i]}.
 *
 * <pre>
 * offset 0  d      fp16
 * offset 2  q[32]  int8
 * </pre>
 *
 * The quantizer maps the block's largest magnitude to ±127, so each element is off by at most
 * half a step, {@code max|x| / 254}, plus what rounding {@code d} to fp16 costs.
 */
final class Q8_0 implements Quantizer, FusedDot {

    private static final GgmlType TYPE = GgmlType.Q8_0;
    private static final int BLOCK = 32;
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
        for (int i = 0; i < BLOCK; i++) {
            dst[out + i] = Blocks.signedByte(block, at + QS + i) * d;
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
        for (int i = 0; i < BLOCK; i++) {
            amax = Math.max(amax, Math.abs(x[from + i]));
        }
        float d = amax / 127;
        // ggml scales by the reciprocal of the unrounded d, not by the fp16 d it stores.
        float id = d != 0 ? 1.0f / d : 0.0f;
        Blocks.putHalf(block, at, d);
        for (int i = 0; i < BLOCK; i++) {
            Blocks.putByte(block, at + QS + i, roundHalfAwayFromZero(x[from + i] * id));
        }
    }

    /** C's {@code roundf}, which ggml uses here (not the ties-to-even {@code nearest_int}). */
    private static int roundHalfAwayFromZero(float value) {
        // In double, |value| + 0.5 is exact, so the floor is the true round-half-up of |value|.
        return (int) Math.copySign(Math.floor(Math.abs((double) value) + 0.5), value);
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
            for (int i = 0; i < BLOCK; i += Lanes.L) {
                blockSum = Lanes.bytes(w, at + QS + i).fma(Lanes.x(x, xb + i), blockSum);
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
            FloatVector d = FloatVector.broadcast(Lanes.F, Blocks.half(w, at));
            for (int i = 0; i < BLOCK; i += Lanes.L) {
                Lanes.bytes(w, at + QS + i).mul(d).intoArray(dst, dstOffset + b * BLOCK + i);
            }
        }
    }
}
