package dev.hearth.compute.quant;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * Matrix products of many tokens (a prompt), every format: the tokens' activations are first
 * packed into panels of {@link #WIDTH} tokens, column by column ({@link #pack}), so that one column
 * of a panel is two vectors with a token in each lane; then six weight rows at a time are unpacked
 * into floats and multiplied by each panel as a sum of outer products: for every column {@code k},
 * each row's weight {@code W[r][k]} is broadcast and multiplied into both vectors of column
 * {@code k}. Twelve sums stay in registers (six rows by two vectors of tokens), each weight and
 * activation loaded serves two or six multiply-adds, and no sum's lanes are ever added together.
 *
 * <p>The kernel runs at the cores' peak where {@link UnpackedProduct}'s four-by-four tile of dot
 * products does not. Alone on one core (AMD Zen 5, 896 and 4,864 columns, 32 tokens, rows in
 * cache): 186–225 GFLOP/s with AVX-512 against the tile's 115–177 (from run to run; the core's
 * peak is 225–233), and 114 with AVX2 (that width's peak). The tile spends the difference on
 * summing its sixteen vectors' lanes and on loading eight vectors for sixteen multiply-adds.
 * Packing is a pass over the activations, once per product (a full panel's column with two
 * gathers), and a panel computes all its lanes whether they hold tokens or not; measured with
 * AVX-512, the tile is still faster at 24 tokens and panels at 28, so panels start at three
 * quarters full ({@link #MIN_TOKENS}) and a decode step's few tokens keep the tile.
 *
 * <p>Each result is one lane's chain of fused multiply-adds over the columns in order,
 * {@code s = fma(W[r][k], x[t][k], s)} from {@code s = 0}: the same bits as that scalar loop, and
 * independent of the token's place in its panel, of the rows around it and of the thread count.
 */
public final class PanelProduct {

    /** Tokens per panel: two vectors' lanes (32 with AVX-512, 16 with AVX2). */
    public static final int WIDTH = 2 * Lanes.L;
    /** The fewest tokens multiplied in panels: more than three quarters of one panel's lanes. */
    public static final int MIN_TOKENS = WIDTH * 3 / 4 + 1;
    /** Rows per group: twelve sums, two activation vectors and a weight fit AVX2's sixteen registers. */
    private static final int ROWS = 6;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** A thread's space: the unpacked rows, a group's results, and the gather's index map for packing. */
    private static final class Scratch {
        float[] rows = new float[0];
        final float[] sums = new float[ROWS * WIDTH];
        final int[] tokenRows = new int[WIDTH];
        /** The columns {@link #tokenRows} was made for; none yet. */
        int tokenRowsCols = -1;
    }

    private PanelProduct() {
    }

    /** The floats that {@code tokens} tokens of {@code cols} columns take packed: whole panels. */
    public static long packedSize(int tokens, int cols) {
        return (long) panels(tokens) * WIDTH * cols;
    }

    /**
     * Packs columns {@code [fromCol, toCol)} of {@code tokens} activation vectors
     * ({@code x[xOffset + t·cols + k]}) into panels at {@code xt[xtOffset ..]}: token {@code t},
     * column {@code k} goes to {@code xt[xtOffset + p·WIDTH·cols + k·WIDTH + t − p·WIDTH]} with
     * {@code p = t / WIDTH}, and the lanes of the last panel past the last token are zeros.
     * Ranges of columns can be packed by different threads.
     */
    public static void pack(float[] x, int xOffset, int cols, int tokens, int fromCol, int toCol, float[] xt,
            int xtOffset) {
        for (int p = 0; p < panels(tokens); p++) {
            int first = p * WIDTH;
            int n = Math.min(WIDTH, tokens - first);
            int panel = xtOffset + first * cols;
            int[] tokenRows = n == WIDTH ? tokenRows(cols) : null;
            for (int k = fromCol; k < toCol; k++) {
                int column = panel + k * WIDTH;
                int from = xOffset + first * cols + k;
                if (n == WIDTH) {
                    FloatVector.fromArray(Lanes.F, x, from, tokenRows, 0).intoArray(xt, column);
                    FloatVector.fromArray(Lanes.F, x, from, tokenRows, Lanes.L).intoArray(xt, column + Lanes.L);
                } else {
                    for (int t = 0; t < n; t++) {
                        xt[column + t] = x[from + t * cols];
                    }
                    Arrays.fill(xt, column + n, column + WIDTH, 0f);
                }
            }
        }
    }

    /** This thread's offsets of a panel's tokens in rows of {@code cols} floats, {@code t·cols}: the gather's index map. */
    private static int[] tokenRows(int cols) {
        Scratch scratch = SCRATCH.get();
        if (scratch.tokenRowsCols != cols) {
            for (int t = 0; t < WIDTH; t++) {
                scratch.tokenRows[t] = t * cols;
            }
            scratch.tokenRowsCols = cols;
        }
        return scratch.tokenRows;
    }

    /**
     * Rows {@code [fromRow, toRow)} of a matrix in {@code format} times {@code tokens} tokens packed
     * by {@link #pack} at {@code xt[xtOffset ..]}:
     * {@code y[yOffset + t·yStride + r] = Σ_k W[r][k] · x[t][k]}.
     */
    public static void matMulRows(WeightFormat format, MemorySegment w, int cols, int fromRow, int toRow, float[] xt,
            int xtOffset, int tokens, float[] y, int yOffset, int yStride) {
        long rowBytes = format.type().byteSize(cols);
        MethodHandle unpacker = WeightFormats.unpacker(format);
        Scratch scratch = SCRATCH.get();
        if (scratch.rows.length < ROWS * cols) {
            scratch.rows = new float[ROWS * cols];
        }
        float[] rows = scratch.rows;
        float[] sums = scratch.sums;
        for (int r = fromRow; r < toRow; r += ROWS) {
            int n = Math.min(ROWS, toRow - r);
            for (int i = 0; i < n; i++) {
                WeightFormats.unpackRow(unpacker, w, (r + i) * rowBytes, cols, rows, i * cols);
            }
            // a last group of fewer rows multiplies the previous group's rows in the rest; those results are not written
            for (int p = 0; p < panels(tokens); p++) {
                outerProducts(rows, cols, xt, xtOffset + p * WIDTH * cols, sums);
                int first = p * WIDTH;
                int panelTokens = Math.min(WIDTH, tokens - first);
                for (int i = 0; i < n; i++) {
                    for (int t = 0; t < panelTokens; t++) {
                        y[yOffset + (first + t) * yStride + r + i] = sums[i * WIDTH + t];
                    }
                }
            }
        }
    }

    private static int panels(int tokens) {
        return (tokens + WIDTH - 1) / WIDTH;
    }

    /**
     * Six rows of {@code rows} ({@code cols} floats each) times one panel at {@code xt[at ..]}:
     * {@code sums[i·WIDTH + t] = Σ_k rows[i·cols + k] · panel[k·WIDTH + t]}, summed as the class
     * says. Written out row by row, with nothing but the Vector API's own calls, so that C2 keeps
     * every sum in a register (a helper of ours would be a call past its inlining budget, and a
     * vector crossing it would be allocated).
     */
    static void outerProducts(float[] rows, int cols, float[] xt, int at, float[] sums) {
        int r1 = cols;
        int r2 = 2 * cols;
        int r3 = 3 * cols;
        int r4 = 4 * cols;
        int r5 = 5 * cols;
        FloatVector s00 = FloatVector.zero(Lanes.F), s01 = s00; // s[row][vector of tokens]
        FloatVector s10 = s00, s11 = s00;
        FloatVector s20 = s00, s21 = s00;
        FloatVector s30 = s00, s31 = s00;
        FloatVector s40 = s00, s41 = s00;
        FloatVector s50 = s00, s51 = s00;
        for (int k = 0; k < cols; k++) {
            int column = at + k * WIDTH;
            FloatVector x0 = FloatVector.fromArray(Lanes.F, xt, column);
            FloatVector x1 = FloatVector.fromArray(Lanes.F, xt, column + Lanes.L);
            FloatVector w = FloatVector.broadcast(Lanes.F, rows[k]);
            s00 = w.fma(x0, s00);
            s01 = w.fma(x1, s01);
            w = FloatVector.broadcast(Lanes.F, rows[r1 + k]);
            s10 = w.fma(x0, s10);
            s11 = w.fma(x1, s11);
            w = FloatVector.broadcast(Lanes.F, rows[r2 + k]);
            s20 = w.fma(x0, s20);
            s21 = w.fma(x1, s21);
            w = FloatVector.broadcast(Lanes.F, rows[r3 + k]);
            s30 = w.fma(x0, s30);
            s31 = w.fma(x1, s31);
            w = FloatVector.broadcast(Lanes.F, rows[r4 + k]);
            s40 = w.fma(x0, s40);
            s41 = w.fma(x1, s41);
            w = FloatVector.broadcast(Lanes.F, rows[r5 + k]);
            s50 = w.fma(x0, s50);
            s51 = w.fma(x1, s51);
        }
        s00.intoArray(sums, 0);
        s01.intoArray(sums, Lanes.L);
        s10.intoArray(sums, WIDTH);
        s11.intoArray(sums, WIDTH + Lanes.L);
        s20.intoArray(sums, 2 * WIDTH);
        s21.intoArray(sums, 2 * WIDTH + Lanes.L);
        s30.intoArray(sums, 3 * WIDTH);
        s31.intoArray(sums, 3 * WIDTH + Lanes.L);
        s40.intoArray(sums, 4 * WIDTH);
        s41.intoArray(sums, 4 * WIDTH + Lanes.L);
        s50.intoArray(sums, 5 * WIDTH);
        s51.intoArray(sums, 5 * WIDTH + Lanes.L);
    }
}
