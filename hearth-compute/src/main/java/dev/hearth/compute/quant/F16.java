package dev.hearth.compute.quant;

import dev.hearth.compute.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;

/**
 * IEEE half precision: 1 sign, 5 exponent, 10 mantissa bits. Widening is exact; narrowing rounds
 * to nearest even (relative error at most 2^-11 in the normal range, values beyond 65504 become
 * infinite).
 */
final class F16 implements Quantizer, FusedDot, FloatRows {

    @Override
    public GgmlType type() {
        return GgmlType.F16;
    }

    @Override
    public void dequantize(MemorySegment src, long srcByteOffset, float[] dst, int dstOffset, int count) {
        Blocks.checkDequantize(GgmlType.F16, src, srcByteOffset, dst, dstOffset, count);
        for (int i = 0; i < count; i++) {
            dst[dstOffset + i] = Blocks.half(src, srcByteOffset + 2L * i);
        }
    }

    @Override
    public void quantize(float[] src, int srcOffset, int count, MemorySegment dst, long dstByteOffset) {
        Blocks.checkQuantize(GgmlType.F16, src, srcOffset, count, dst, dstByteOffset);
        for (int i = 0; i < count; i++) {
            Blocks.putHalf(dst, dstByteOffset + 2L * i, src[srcOffset + i]);
        }
    }

    @Override
    public void matVecRows(MemorySegment w, int cols, int fromRow, int toRow, float[] x, int xOffset,
            float[] y, int yOffset) {
        long rowBytes = GgmlType.F16.byteSize(cols);
        for (int r = fromRow; r < toRow; r++) {
            y[yOffset + r] = dot(w, r * rowBytes, cols, x, xOffset);
        }
    }

    @Override
    public float dot(MemorySegment w, long rowAt, int cols, float[] x, int xOffset) {
        FloatVector a0 = FloatVector.zero(Lanes.F);
        FloatVector a1 = FloatVector.zero(Lanes.F);
        int j = 0;
        // Even chunks into a0, odd ones into a1, with one copy of the (large) widening in the loop:
        // two copies and a tail loop overflow C2's inlining budget and leave the vectors boxed.
        for (; j <= cols - Lanes.L; j += Lanes.L) {
            FloatVector product = Lanes.halves(w, rowAt + 2L * j);
            if ((j & Lanes.L) == 0) {
                a0 = product.fma(Lanes.x(x, xOffset + j), a0);
            } else {
                a1 = product.fma(Lanes.x(x, xOffset + j), a1);
            }
        }
        FloatVector lanes = a0.add(a1);
        for (VectorShuffle<Float> fold : Lanes.FOLDS) {
            lanes = lanes.add(lanes.rearrange(fold));
        }
        float sum = lanes.lane(0);
        for (; j < cols; j++) {
            sum += Blocks.half(w, rowAt + 2L * j) * x[xOffset + j];
        }
        return sum;
    }

    @Override
    public void unpackRow(MemorySegment w, long rowAt, int cols, float[] dst, int dstOffset) {
        int j = 0;
        for (; j <= cols - Lanes.L; j += Lanes.L) {
            Lanes.halves(w, rowAt + 2L * j).intoArray(dst, dstOffset + j);
        }
        for (; j < cols; j++) {
            dst[dstOffset + j] = Blocks.half(w, rowAt + 2L * j);
        }
    }

    @Override
    public void addScaledRow(MemorySegment w, long rowAt, int cols, float factor, float[] y, int yOffset) {
        FloatVector f = FloatVector.broadcast(Lanes.F, factor);
        int j = 0;
        for (; j <= cols - Lanes.L; j += Lanes.L) {
            Lanes.halves(w, rowAt + 2L * j).fma(f, Lanes.x(y, yOffset + j)).intoArray(y, yOffset + j);
        }
        for (; j < cols; j++) {
            y[yOffset + j] += factor * Blocks.half(w, rowAt + 2L * j);
        }
    }
}
