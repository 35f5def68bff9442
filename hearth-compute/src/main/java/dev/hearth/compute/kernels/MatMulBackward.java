package dev.hearth.compute.kernels;

import static dev.hearth.compute.kernels.VectorKernels.F;
import static dev.hearth.compute.kernels.VectorKernels.L;

import dev.hearth.compute.quant.WeightFormats;
import dev.hearth.compute.tensor.Tensor;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import jdk.incubator.vector.FloatVector;

/**
 * The two products of a matrix product's backward pass, {@link Kernels#matMulBackwardInput} and
 * {@link Kernels#matMulBackwardWeights}, on the vector unit and the worker pool.
 *
 * <p>Each output element is summed by one thread in a fixed order, so results are bit-identical
 * for any pool size: training that resumes from a checkpoint on another machine takes the same
 * steps. Tasks and tiles are reused from call to call; a product allocates nothing.
 */
final class MatMulBackward {
    /** Rows of {@code W} dequantized together into a tile and used by every token. */
    private static final int TILE_ROWS = 32;
    /** Columns of a tile: a multiple of every format's block size (K-quants' 256 included). */
    private static final int TILE_COLS = 256;
    /** Rows of {@code dW} a task accumulates at once, each in a register per vector of columns. */
    private static final int WEIGHT_ROWS = 4;
    private static final ThreadLocal<float[]> TILE = ThreadLocal.withInitial(() -> new float[0]);

    private final WorkerPool pool;
    private final AtomicReference<InputTask> idleInput = new AtomicReference<>(new InputTask());
    private final AtomicReference<WeightsTask> idleWeights = new AtomicReference<>(new WeightsTask());

    MatMulBackward(WorkerPool pool) {
        this.pool = pool;
    }

    /** {@code dx[t][j] += Σ_i dy[t][i] · W[i][j]}: one task per tile of columns. */
    void input(Tensor w, float[] dy, int dyOffset, float[] dx, int dxOffset, int tokens) {
        int rows = w.rows();
        int cols = w.cols();
        Objects.checkFromIndexSize(dyOffset, tokens * rows, dy.length);
        Objects.checkFromIndexSize(dxOffset, tokens * cols, dx.length);
        InputTask task = idleInput.getAndSet(null);
        if (task == null) {
            task = new InputTask();
        }
        try {
            task.set(w, dy, dyOffset, dx, dxOffset, tokens);
            pool.forRanges(Math.ceilDiv(cols, TILE_COLS), 1, task);
        } finally {
            task.set(null, null, 0, null, 0, 0);
            idleInput.set(task);
        }
    }

    /** {@code dW[i][j] += Σ_t dy[t][i] · x[t][j]}: one task per {@value #WEIGHT_ROWS} rows. */
    void weights(float[] dy, int dyOffset, float[] x, int xOffset, float[] dw, int dwOffset, int rows, int cols,
            int tokens) {
        Objects.checkFromIndexSize(dyOffset, tokens * rows, dy.length);
        Objects.checkFromIndexSize(xOffset, tokens * cols, x.length);
        Objects.checkFromIndexSize(dwOffset, rows * cols, dw.length);
        WeightsTask task = idleWeights.getAndSet(null);
        if (task == null) {
            task = new WeightsTask();
        }
        try {
            task.set(dy, dyOffset, x, xOffset, dw, dwOffset, rows, cols, tokens);
            int groups = Math.ceilDiv(rows, WEIGHT_ROWS);
            pool.forRanges(groups, Math.max(1, groups / (8 * pool.threads())), task);
        } finally {
            task.set(null, 0, null, 0, null, 0, 0, 0, 0);
            idleWeights.set(task);
        }
    }

    private static final class InputTask implements WorkerPool.Range {
        private Tensor w;
        private float[] dy;
        private int dyOffset;
        private float[] dx;
        private int dxOffset;
        private int tokens;

        void set(Tensor w, float[] dy, int dyOffset, float[] dx, int dxOffset, int tokens) {
            this.w = w;
            this.dy = dy;
            this.dyOffset = dyOffset;
            this.dx = dx;
            this.dxOffset = dxOffset;
            this.tokens = tokens;
        }

        @Override
        public void run(int from, int to) {
            int rows = w.rows();
            int cols = w.cols();
            float[] tile = VectorKernels.buffer(TILE, TILE_ROWS * TILE_COLS);
            for (int c = from; c < to; c++) {
                int c0 = c * TILE_COLS;
                int width = Math.min(TILE_COLS, cols - c0);
                for (int i0 = 0; i0 < rows; i0 += TILE_ROWS) {
                    int height = Math.min(TILE_ROWS, rows - i0);
                    for (int r = 0; r < height; r++) { // W[i0+r][c0 .. c0+width) into tile row r
                        WeightFormats.unpackRow(w.format(), w.data(), (i0 + r) * w.rowBytes() + w.type().byteSize(c0),
                                width, tile, r * TILE_COLS);
                    }
                    for (int t = 0; t < tokens; t++) {
                        addTile(tile, height, width, dy, dyOffset + t * rows + i0, dx, dxOffset + t * cols + c0);
                    }
                }
            }
        }

        /** {@code out[j] += Σ_r g[r] · tile[r][j]} for {@code j < width}, r in order. */
        private static void addTile(float[] tile, int height, int width, float[] g, int gOffset, float[] out,
                int outOffset) {
            int j = 0;
            for (; j <= width - L; j += L) {
                FloatVector acc = FloatVector.fromArray(F, out, outOffset + j);
                for (int r = 0; r < height; r++) {
                    acc = FloatVector.fromArray(F, tile, r * TILE_COLS + j)
                            .fma(FloatVector.broadcast(F, g[gOffset + r]), acc);
                }
                acc.intoArray(out, outOffset + j);
            }
            for (; j < width; j++) {
                float acc = out[outOffset + j];
                for (int r = 0; r < height; r++) {
                    acc = Math.fma(tile[r * TILE_COLS + j], g[gOffset + r], acc);
                }
                out[outOffset + j] = acc;
            }
        }
    }

    private static final class WeightsTask implements WorkerPool.Range {
        private float[] dy;
        private int dyOffset;
        private float[] x;
        private int xOffset;
        private float[] dw;
        private int dwOffset;
        private int rows;
        private int cols;
        private int tokens;

        void set(float[] dy, int dyOffset, float[] x, int xOffset, float[] dw, int dwOffset, int rows, int cols,
                int tokens) {
            this.dy = dy;
            this.dyOffset = dyOffset;
            this.x = x;
            this.xOffset = xOffset;
            this.dw = dw;
            this.dwOffset = dwOffset;
            this.rows = rows;
            this.cols = cols;
            this.tokens = tokens;
        }

        @Override
        public void run(int from, int to) {
            for (int group = from; group < to; group++) {
                int i0 = group * WEIGHT_ROWS;
                if (i0 + WEIGHT_ROWS <= rows) {
                    fourRows(i0);
                } else {
                    for (int i = i0; i < rows; i++) {
                        oneRow(i);
                    }
                }
            }
        }

        /** Rows {@code i0 .. i0+3} of dW, a vector of columns at a time, over every token in order. */
        private void fourRows(int i0) {
            int j = 0;
            for (; j <= cols - L; j += L) {
                int w0 = dwOffset + i0 * cols + j;
                FloatVector a0 = FloatVector.fromArray(F, dw, w0);
                FloatVector a1 = FloatVector.fromArray(F, dw, w0 + cols);
                FloatVector a2 = FloatVector.fromArray(F, dw, w0 + 2 * cols);
                FloatVector a3 = FloatVector.fromArray(F, dw, w0 + 3 * cols);
                for (int t = 0; t < tokens; t++) {
                    FloatVector xv = FloatVector.fromArray(F, x, xOffset + t * cols + j);
                    int g = dyOffset + t * rows + i0;
                    a0 = xv.fma(FloatVector.broadcast(F, dy[g]), a0);
                    a1 = xv.fma(FloatVector.broadcast(F, dy[g + 1]), a1);
                    a2 = xv.fma(FloatVector.broadcast(F, dy[g + 2]), a2);
                    a3 = xv.fma(FloatVector.broadcast(F, dy[g + 3]), a3);
                }
                a0.intoArray(dw, w0);
                a1.intoArray(dw, w0 + cols);
                a2.intoArray(dw, w0 + 2 * cols);
                a3.intoArray(dw, w0 + 3 * cols);
            }
            for (int i = i0; i < i0 + WEIGHT_ROWS; i++) {
                scalarColumns(i, j);
            }
        }

        private void oneRow(int i) {
            int j = 0;
            for (; j <= cols - L; j += L) {
                int w0 = dwOffset + i * cols + j;
                FloatVector acc = FloatVector.fromArray(F, dw, w0);
                for (int t = 0; t < tokens; t++) {
                    acc = FloatVector.fromArray(F, x, xOffset + t * cols + j)
                            .fma(FloatVector.broadcast(F, dy[dyOffset + t * rows + i]), acc);
                }
                acc.intoArray(dw, w0);
            }
            scalarColumns(i, j);
        }

        /** Columns {@code [from, cols)} of row {@code i}: the tail a vector does not fill. */
        private void scalarColumns(int i, int from) {
            for (int j = from; j < cols; j++) {
                float acc = dw[dwOffset + i * cols + j];
                for (int t = 0; t < tokens; t++) {
                    acc = Math.fma(x[xOffset + t * cols + j], dy[dyOffset + t * rows + i], acc);
                }
                dw[dwOffset + i * cols + j] = acc;
            }
        }
    }
}
