package dev.hearth.compute.quant;

import dev.hearth.compute.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/** Plain little-endian IEEE floats; "quantizing" copies them. */
final class F32 implements Quantizer, FusedDot, FloatRows {

    /** The size of {@link #dot4x4}'s scratch space: sixteen vectors. */
    static final int SUMS = 16 * Lanes.L;
    /** Per thread: {@link #dot4x4}'s scratch space. */
    private static final ThreadLocal<float[]> SUMS_BUFFER = ThreadLocal.withInitial(() -> new float[SUMS]);

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

    /**
     * Four rows at a time times four tokens at a time ({@link #dot4x4}: each weight and activation
     * vector loaded once serves four products, against one in five for {@link #dot4}), the rows
     * left over with {@link #dot4}, the tokens left over with {@link #dot}. Every element is summed
     * in {@link #dot4}'s order whichever of the two computes it, so a row's result does not depend
     * on where a range of rows starts or ends.
     */
    @Override
    public void matMulRows(MemorySegment w, int cols, int fromRow, int toRow, float[] x, int xOffset, int tokens,
            float[] y, int yOffset, int yStride) {
        long rowBytes = GgmlType.F32.byteSize(cols);
        int quads = tokens & ~3;
        float[] sums = quads > 0 && toRow - fromRow >= 4 ? SUMS_BUFFER.get() : null;
        int r = fromRow;
        for (; r + 4 <= toRow; r += 4) {
            for (int t = 0; t < quads; t += 4) {
                dot4x4(w, r * rowBytes, rowBytes, cols, x, xOffset + t * cols, y, yOffset + t * yStride + r, yStride,
                        sums);
            }
        }
        for (; r < toRow; r++) {
            for (int t = 0; t < quads; t += 4) {
                dot4(w, r * rowBytes, cols, x, xOffset + t * cols, cols, y, yOffset + t * yStride + r, yStride);
            }
        }
        for (r = fromRow; r < toRow; r++) {
            for (int t = quads; t < tokens; t++) {
                y[yOffset + t * yStride + r] = dot(w, r * rowBytes, cols, x, xOffset + t * cols);
            }
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
        float sum = Lanes.sum(a0.add(a1));
        for (; j < cols; j++) {
            sum += w.get(Blocks.FLOAT_LE, rowAt + 4L * j) * x[xOffset + j];
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
            FloatVector v = Lanes.floats(w, rowAt + 4L * j);
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
            float v = w.get(Blocks.FLOAT_LE, rowAt + 4L * j);
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

    /**
     * Four rows times four activation vectors, sixteen sums in registers: for rows {@code i < 4}
     * at {@code rowAt + i·rowBytes} and tokens {@code k < 4} at {@code xOffset + k·cols},
     * {@code y[yOffset + k·yStride + i] = Σ_j W[i][j] · x[k][j]}, each sum in {@link #dot4}'s order
     * (one accumulator, lanes summed by {@link Lanes#sum}, then the columns past the last whole
     * vector), so bit for bit what {@link #dot4} gives. {@code sums} is scratch space for
     * {@link #SUMS} floats.
     */
    static void dot4x4(MemorySegment w, long rowAt, long rowBytes, int cols, float[] x, int xOffset,
            float[] y, int yOffset, int yStride, float[] sums) {
        long r0 = rowAt;
        long r1 = rowAt + rowBytes;
        long r2 = rowAt + 2 * rowBytes;
        long r3 = rowAt + 3 * rowBytes;
        int x0 = xOffset;
        int x1 = xOffset + cols;
        int x2 = xOffset + 2 * cols;
        int x3 = xOffset + 3 * cols;
        FloatVector a00 = FloatVector.zero(Lanes.F), a01 = a00, a02 = a00, a03 = a00; // a[row][token]
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        int j = 0;
        for (; j <= cols - Lanes.L; j += Lanes.L) {
            long at = 4L * j;
            FloatVector t0 = Lanes.x(x, x0 + j);
            FloatVector t1 = Lanes.x(x, x1 + j);
            FloatVector t2 = Lanes.x(x, x2 + j);
            FloatVector t3 = Lanes.x(x, x3 + j);
            FloatVector v = Lanes.floats(w, r0 + at);
            a00 = v.fma(t0, a00);
            a01 = v.fma(t1, a01);
            a02 = v.fma(t2, a02);
            a03 = v.fma(t3, a03);
            v = Lanes.floats(w, r1 + at);
            a10 = v.fma(t0, a10);
            a11 = v.fma(t1, a11);
            a12 = v.fma(t2, a12);
            a13 = v.fma(t3, a13);
            v = Lanes.floats(w, r2 + at);
            a20 = v.fma(t0, a20);
            a21 = v.fma(t1, a21);
            a22 = v.fma(t2, a22);
            a23 = v.fma(t3, a23);
            v = Lanes.floats(w, r3 + at);
            a30 = v.fma(t0, a30);
            a31 = v.fma(t1, a31);
            a32 = v.fma(t2, a32);
            a33 = v.fma(t3, a33);
        }
        // Summing sixteen vectors' lanes here would overflow C2's inlining budget (and box the
        // vectors): they go to memory, and a loop that inlines one sum reads them back.
        a00.intoArray(sums, 0);
        a10.intoArray(sums, Lanes.L);
        a20.intoArray(sums, 2 * Lanes.L);
        a30.intoArray(sums, 3 * Lanes.L);
        a01.intoArray(sums, 4 * Lanes.L);
        a11.intoArray(sums, 5 * Lanes.L);
        a21.intoArray(sums, 6 * Lanes.L);
        a31.intoArray(sums, 7 * Lanes.L);
        a02.intoArray(sums, 8 * Lanes.L);
        a12.intoArray(sums, 9 * Lanes.L);
        a22.intoArray(sums, 10 * Lanes.L);
        a32.intoArray(sums, 11 * Lanes.L);
        a03.intoArray(sums, 12 * Lanes.L);
        a13.intoArray(sums, 13 * Lanes.L);
        a23.intoArray(sums, 14 * Lanes.L);
        a33.intoArray(sums, 15 * Lanes.L);
        finish4x4(sums, w, rowAt, rowBytes, j, cols, x, xOffset, y, yOffset, yStride);
    }

    /**
     * {@link #dot4x4}'s last step: {@code y[t][i]} is the lanes of accumulator {@code 4t + i} in
     * {@code sums}, summed, plus the products of row {@code i} and token {@code t} from column
     * {@code from} on.
     */
    private static void finish4x4(float[] sums, MemorySegment w, long rowAt, long rowBytes, int from, int cols,
            float[] x, int xOffset, float[] y, int yOffset, int yStride) {
        for (int t = 0; t < 4; t++) {
            for (int i = 0; i < 4; i++) {
                float sum = Lanes.sum(Lanes.x(sums, (4 * t + i) * Lanes.L));
                y[yOffset + t * yStride + i] = tail(sum, w, rowAt + i * rowBytes, from, cols, x, xOffset + t * cols);
            }
        }
    }

    /** {@code sum} plus the products of the row's columns {@code [from, cols)}, one by one in order. */
    private static float tail(float sum, MemorySegment w, long rowAt, int from, int cols, float[] x, int xOffset) {
        for (int j = from; j < cols; j++) {
            sum += w.get(Blocks.FLOAT_LE, rowAt + 4L * j) * x[xOffset + j];
        }
        return sum;
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
