package dev.hearth.compute.kernels;

import static dev.hearth.compute.kernels.VectorKernels.TOKEN_BLOCK;
import static dev.hearth.compute.kernels.VectorKernels.rows;

import dev.hearth.compute.quant.FusedDot;
import dev.hearth.compute.tensor.Tensor;
import java.lang.invoke.MethodHandle;

/**
 * The tasks of {@link VectorKernels}' matrix product, reused from call to call so that a product
 * allocates nothing: task {@code i} is rows {@code [c·chunk, (c+1)·chunk)} of {@code w},
 * {@code c = i mod chunks}, times the block {@code i / chunks} of
 * {@value VectorKernels#TOKEN_BLOCK} tokens, whose activations stay in cache while the rows stream
 * past. A block of several tokens goes to the format's {@link FusedDot#matMulRows}, a block of
 * one to {@link FusedDot#matVecRows}; which kernel computes a token depends on its block alone,
 * so results do not depend on the thread count. The kernels are called through method handles that the JIT cannot see through:
 * a direct interface call here would have the kernels of the two formats a model mixes most
 * (Q4_K and Q6_K, say) inlined into this one method; that overflows the compiler's inlining
 * budget, leaves the vectors boxed, and runs ten to twenty times slower. Through the handle each
 * format's kernels stay a unit of their own. Without a kernel each row is dequantized once for
 * all the block's tokens.
 */
final class RowsTask implements WorkerPool.Range {
    private MethodHandle matMulRows;
    private MethodHandle matVecRows;
    private Tensor w;
    private float[] x;
    private int xOffset;
    private int tokens;
    private float[] y;
    private int yOffset;
    private int rowsUsed;
    private int chunk;
    private int chunks;

    void set(MethodHandle matMulRows, MethodHandle matVecRows, Tensor w, float[] x, int xOffset, int tokens,
            float[] y, int yOffset, int rowsUsed, int chunk, int chunks) {
        this.matMulRows = matMulRows;
        this.matVecRows = matVecRows;
        this.w = w;
        this.x = x;
        this.xOffset = xOffset;
        this.tokens = tokens;
        this.y = y;
        this.yOffset = yOffset;
        this.rowsUsed = rowsUsed;
        this.chunk = chunk;
        this.chunks = chunks;
    }

    void clear() {
        set(null, null, null, null, 0, 0, null, 0, 0, 0, 0);
    }

    @Override
    public void run(int from, int to) {
        int cols = w.cols();
        for (int i = from; i < to; i++) {
            int t0 = i / chunks * TOKEN_BLOCK;
            int r0 = i % chunks * chunk;
            int r1 = Math.min(rowsUsed, r0 + chunk);
            int n = Math.min(TOKEN_BLOCK, tokens - t0);
            rows(n == 1 ? matVecRows : matMulRows, w, r0, r1, x, xOffset + t0 * cols, n, y, yOffset + t0 * rowsUsed,
                    rowsUsed);
        }
    }
}
