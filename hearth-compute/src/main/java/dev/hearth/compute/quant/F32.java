package dev.hearth.compute.quant;

import dev.hearth.compute.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;

/** Plain little-endian IEEE floats; "quantizing" copies them. */
final class F32 implements Quantizer, FusedDot, FloatRows {

    @Override
    public GgmlType type() {
        return GgmlType.F32;
    }

    @Override
    public void dequantize(MemorySegment src, long srcByteOffset, float[] dst, int dstOffset, int count) {
        Blocks.checkDequantize(GgmlType.F32, src, srcByteOffset, dst, dstOffset, count);
        MemorySegment.copy(src, Blocks.FLOAT_LE, srcByteOffset, dst, dstOffset, count);
    }

    @Override
    public void quantize(float[] src, int srcOffset, int count, MemorySegment dst, long dstByteOffset) {
        Blocks.checkQuantize(GgmlType.F32, src, srcOffset, count, dst, dstByteOffset);
        MemorySegment.copy(src, srcOffset, dst, Blocks.FLOAT_LE, dstByteOffset, count);
    }

    @Override
    public void matVecRows(MemorySegment w, int cols, int fromRow, int toRow, float[] x, int xOffset,
            float[] y, int yOffset) {
        long rowBytes = GgmlType.F32.byteSize(cols);
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
            a0 = Lanes.floats(w, rowAt + 4L * j).fma(Lanes.x(x, xOffset + j), a0);
            a1 = Lanes.floats(w, rowAt + 4L * (j + Lanes.L)).fma(Lanes.x(x, xOffset + j + Lanes.L), a1);
        }
        for (; j <= cols - Lanes.L; j += Lanes.L) {
            a0 = Lanes.floats(w, rowAt + 4L * j).fma(Lanes.x(x, xOffset + j), a0);
        }
        FloatVector lanes = a0.add(a1);
        for (VectorShuffle<Float> fold : Lanes.FOLDS) {
            lanes = lanes.add(lanes.rearrange(fold));
        }
        float sum = lanes.lane(0);
        for (; j < cols; j++) {
            sum += w.get(Blocks.FLOAT_LE, rowAt + 4L * j) * x[xOffset + j];
        }
        return sum;
    }

    @Override
    public void unpackRow(MemorySegment w, long rowAt, int cols, float[] dst, int dstOffset) {
        MemorySegment.copy(w, Blocks.FLOAT_LE, rowAt, dst, dstOffset, cols);
    }

    @Override
    public void addScaledRow(MemorySegment w, long rowAt, int cols, float factor, float[] y, int yOffset) {
        FloatVector f = FloatVector.broadcast(Lanes.F, factor);
        int j = 0;
        for (; j <= cols - Lanes.L; j += Lanes.L) {
            Lanes.floats(w, rowAt + 4L * j).fma(f, Lanes.x(y, yOffset + j)).intoArray(y, yOffset + j);
        }
        for (; j < cols; j++) {
            y[yOffset + j] += factor * w.get(Blocks.FLOAT_LE, rowAt + 4L * j);
        }
    }
}
