package dev.hearth.compute.quant;

import dev.hearth.compute.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;

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
        FloatVector lanes = a0.add(a1);
        for (VectorShuffle<Float> fold : Lanes.FOLDS) {
            lanes = lanes.add(lanes.rearrange(fold));
        }
        float sum = lanes.lane(0);
        for (; j < cols; j++) {
            sum += bf16(w, rowAt + 2L * j) * x[xOffset + j];
        }
        return sum;
    }

    @Override
    public void unpackRow(MemorySegment w, long rowAt, int cols, float[] dst, int dstOffset) {
        int j = 0;
        for (; j <= cols - Lanes.L; j += Lanes.L) {
            Lanes.bf16s(w, rowAt + 2L * j).intoArray(dst, dstOffset + j);
        }
        for (; j < cols; j++) {
            dst[dstOffset + j] = bf16(w, rowAt + 2L * j);
        }
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
