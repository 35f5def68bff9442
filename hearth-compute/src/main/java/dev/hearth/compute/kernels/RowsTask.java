package dev.hearth.compute.kernels;

import static dev.hearth.compute.kernels.VectorKernels.PRODUCT_BLOCK;
import static dev.hearth.compute.kernels.VectorKernels.rows;

import dev.hearth.compute.quant.FusedDot;
import dev.hearth.compute.quant.PanelProduct;
import dev.hearth.compute.tensor.Tensor;
import java.lang.invoke.MethodHandle;

/**
 * The tasks of {@link VectorKernels}' matrix product, reused from call to call so that a product
 * allocates nothing (the packed tokens go to the calling thread's buffer): task {@code i} is rows
 * {@code [c·chunk, (c+1)·chunk)} of {@code w}, {@code c = i mod chunks}, times the block
 * {@code i / chunks} of {@value VectorKernels#PRODUCT_BLOCK} tokens. A block of at least
 * {@link PanelProduct#MIN_TOKENS} tokens (a prompt's) is packed into panels first, by all the
 * threads ({@link #packing}), and multiplied by {@link PanelProduct}; a smaller block of several
 * tokens (a decode step's) goes to the format's {@link FusedDot#matMulRows}, a block of one to
 * {@link FusedDot#matVecRows}. Which kernel computes a token depends on its block alone, so
 * results do not depend on the thread count.
 *
 * <p>The fused kernels are called through method handles that the JIT cannot see through: a
 * direct interface call here would have the kernels of the two formats a model mixes most (Q4_K
 * and Q6_K, say) inlined into this one method; that overflows the compiler's inlining budget,
 * leaves the vectors boxed, and runs ten to twenty times slower. Through the handle each format's
 * kernels stay a unit of their own. Without a kernel each row is dequantized once for all the
 * block's tokens.
 */
final class RowsTask implements WorkerPool.Range {
    /** Columns per packing task. */
    private static final int PACK_COLUMNS = 256;

    /** The packing phase, before {@link #run}: task {@code i} packs a range of columns of one block. */
    final WorkerPool.Range packing = this::pack;
    /** The packed blocks, {@link #panelStride} floats each: the calling thread's buffer, at least {@link #packedSize}. */
    private float[] panels;
    private int panelStride;
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
            float[] y, int yOffset, int rowsUsed, int chunk, int chunks, float[] panels) {
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
        this.panels = panels;
        this.panelStride = w == null ? 0 : (int) PanelProduct.packedSize(PRODUCT_BLOCK, w.cols());
    }

    /** The floats that the packed blocks of a product of {@code tokens} tokens of {@code cols} columns take. */
    static long packedSize(int tokens, int cols) {
        return packedBlocks(tokens) * PanelProduct.packedSize(PRODUCT_BLOCK, cols);
    }

    /** The number of blocks multiplied in panels: every block of at least {@link PanelProduct#MIN_TOKENS}. */
    private static int packedBlocks(int tokens) {
        int whole = tokens / PRODUCT_BLOCK;
        return tokens % PRODUCT_BLOCK >= PanelProduct.MIN_TOKENS ? whole + 1 : whole;
    }

    /** The number of {@link #packing} tasks. */
    int packingTasks() {
        return packedBlocks(tokens) * columnRanges();
    }

    private int columnRanges() {
        return (w.cols() + PACK_COLUMNS - 1) / PACK_COLUMNS;
    }

    private void pack(int from, int to) {
        int cols = w.cols();
        for (int i = from; i < to; i++) {
            int block = i / columnRanges();
            int k0 = i % columnRanges() * PACK_COLUMNS;
            int t0 = block * PRODUCT_BLOCK;
            PanelProduct.pack(x, xOffset + t0 * cols, cols, Math.min(PRODUCT_BLOCK, tokens - t0), k0,
                    Math.min(cols, k0 + PACK_COLUMNS), panels, block * panelStride);
        }
    }

    void clear() {
        set(null, null, null, null, 0, 0, null, 0, 0, 0, 0, null);
    }

    @Override
    public void run(int from, int to) {
        int cols = w.cols();
        for (int i = from; i < to; i++) {
            int t0 = i / chunks * PRODUCT_BLOCK;
            int r0 = i % chunks * chunk;
            int r1 = Math.min(rowsUsed, r0 + chunk);
            int n = Math.min(PRODUCT_BLOCK, tokens - t0);
            if (n >= PanelProduct.MIN_TOKENS) {
                PanelProduct.matMulRows(w.format(), w.data(), cols, r0, r1, panels, t0 / PRODUCT_BLOCK * panelStride, n,
                        y, yOffset + t0 * rowsUsed, rowsUsed);
                continue;
            }
            rows(n == 1 ? matVecRows : matMulRows, w, r0, r1, x, xOffset + t0 * cols, n, y, yOffset + t0 * rowsUsed,
                    rowsUsed);
        }
    }
}
