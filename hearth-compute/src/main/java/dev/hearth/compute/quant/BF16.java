package dev.hearth.compute.quant;

import dev.hearth.compute.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * bfloat16: the upper 16 bits of a float (1 sign, 8 exponent, 7 mantissa bits), so it keeps the
 * float range with relative error at most 2^-8. Narrowing rounds to nearest even and quiets NaNs,
 * as ggml's {@code GGML_FP32_TO_BF16}.
 */
final class BF16 implements Quantizer, FusedDot, FloatRows {

    @Override
    public GgmlType type() {
        return GgmlType.BF16;
    }

    @Override
    public void dequantize(MemorySegment src, long srcByteOffset, float[] dst, int dstOffset, int count) {
        Blocks.checkDequantize(GgmlType.BF16, src, srcByteOffset, dst, dstOffset, count);
        for (int i = 0; i < count; i++) {
            dst[dstOffset + i] = HalfFloats.bf16ToFloat(src.get(Blocks.SHORT_LE, srcByteOffset + 2L * i));
        }
    }

    @Override
    public void quantize(float[] src, int srcOffset, int count, MemorySegment dst, long dstByteOffset) {
        Blocks.checkQuantize(GgmlType.BF16, src, srcOffset, count, dst, dstByteOffset);
        for (int i = 0; i < count; i++) {
            dst.set(Blocks.SHORT_LE, dstByteOffset + 2L * i, HalfFloats.floatToBf16(src[srcOffset + i]));
        }
    }

    @Override
    public void matVecRows(MemorySegment w, int cols, int fromRow, int toRow, float[] x, int xOffset,
            float[] y, int yOffset) {
        long rowBytes = GgmlType.BF16.byteSize(cols);
        for (int r = fromRow; r < toRow; r++) {
            y[yOffset + r] = dot(w, r * rowBytes, cols, x, xOffset);
        }
    }

    @Override
    public void matMulRows(MemorySegment w, int cols, int fromRow, int toRow, float[] x, int xOffset, int tokens,
            float[] y, int yOffset, int yStride) {
        long rowBytes = GgmlType.BF16.byteSize(cols);
        for (int r = fromRow; r < toRow; r++) {
            long rowAt = r * rowBytes;
            int t = 0;
            for (; t + 4 <= tokens; t += 4) {
                dot4(w, rowAt, cols, x, xOffset + t * cols, cols, y, yOffset + t * yStride + r, yStride);
            }
            for (; t < tokens; t++) {
                y[yOffset + t * yStride + r] = dot(w, rowAt, cols, x, xOffset + t * cols);
            }
        }
    }

    @Override
    public float dot(MemorySegment w, long rowAt, int cols, float[] x, int xOffset) {
        FloatVector a0 = FloatVector.zero(Lanes.F);
        FloatVector a1 = FloatVector.zero(Lanes.F);
        int j = 0;
        for (; j <= cols - 2 * Lanes.L; j += 2 * Lanes.L) {
            a0 = Lanes.bf16s(w, rowAt + 2L * j).fma(Lanes.x(x, xOffset + j), a0);
            a1 = Lanes.bf16s(w, rowAt + 2L * (j + Lanes.L)).fma(Lanes.x(x, xOffset + j + Lanes.L), a1);
        }
        for (; j <= cols - Lanes.L; j += Lanes.L) {
            a0 = Lanes.bf16s(w, rowAt + 2L * j).fma(Lanes.x(x, xOffset + j), a0);
        }
        float sum = Lanes.sum(a0.add(a1));
        for (; j < cols; j++) {
            sum += bf16(w, rowAt + 2L * j) * x[xOffset + j];
        }
        return sum;
    }

    @Override
    public void dot4(MemorySegment w, long rowAt, int cols, float[] x, int xOffset, int xStride,
            float[] y, int yOffset, int yStride) {
        FloatVector a0 = FloatVector.zero(Lanes.F);
        FloatVector a1 = FloatVector.zero(Lanes.F);
        FloatVector a2 = FloatVector.zero(Lanes.F);
        FloatVector a3 = FloatVector.zero(Lanes.F);
        int j = 0;
        for (; j <= cols - Lanes.L; j += Lanes.L) {
            FloatVector v = Lanes.bf16s(w, rowAt + 2L * j);
            a0 = v.fma(Lanes.x(x, xOffset + j), a0);
            a1 = v.fma(Lanes.x(x, xOffset + xStride + j), a1);
            a2 = v.fma(Lanes.x(x, xOffset + 2 * xStride + j), a2);
            a3 = v.fma(Lanes.x(x, xOffset + 3 * xStride + j), a3);
        }
        float s0 = Lanes.sum(a0);
        float s1 = Lanes.sum(a1);
        float s2 = Lanes.sum(a2);
        float s3 = Lanes.sum(a3);
        for (; j < cols; j++) {
            float v = bf16(w, rowAt + 2L * j);
            s0 += v * x[xOffset + j];
            s1 += v * x[xOffset + xStride + j];
            s2 += v * x[xOffset + 2 * xStride + j];
            s3 += v * x[xOffset + 3 * xStride + j];
        }
        y[yOffset] = s0;
        y[yOffset + yStride] = s1;
        y[yOffset + 2 * yStride] = s2;
        y[yOffset + 3 * yStride] = s3;
    }

    @Override
    public void addScaledRow(MemorySegment w, long rowAt, int cols, float factor, float[] y, int yOffset) {
        FloatVector f = FloatVector.broadcast(Lanes.F, factor);
        int j = 0;
        for (; j <= cols - Lanes.L; j += Lanes.L) {
            Lanes.bf16s(w, rowAt + 2L * j).fma(f, Lanes.x(y, yOffset + j)).intoArray(y, yOffset + j);
        }
        for (; j < cols; j++) {
            y[yOffset + j] += factor * bf16(w, rowAt + 2L * j);
        }
    }

    private static float bf16(MemorySegment w, long at) {
        return HalfFloats.bf16ToFloat(w.get(Blocks.SHORT_LE, at));
    }
}
