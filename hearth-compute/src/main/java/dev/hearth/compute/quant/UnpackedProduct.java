package dev.hearth.compute.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;

/**
 * Matrix products of a few tokens (a decode step of several sequences; {@link PanelProduct} takes
 * more), for every format: four rows at a time are unpacked into floats in a tile of this
 * thread's, once for all the tokens ({@link FusedDot#unpackRow}, or the format's scalar
 * {@code dequantize} where it has no vector kernels), and the tile is multiplied
 * four rows by four tokens with sixteen sums in registers (two tokens and eight sums with AVX2's
 * sixteen registers). Each weight and activation vector loaded then serves several products, and
 * a block's unpacking is paid once per row and call, so that every format runs at float speed.
 *
 * <p>A last group of fewer than four rows or tokens is padded by repeating its last one (the
 * repeated product is written twice, with the same bits): sixteen independent sums keep the
 * multiply-add units busy, where one row times one token waits on each multiply-add's latency.
 *
 * <p>Before a group's tiles are multiplied, one byte is read from each memory page that starts
 * among the next group's rows. A hardware prefetcher follows a stream of reads only within a page,
 * so unpacking a group would otherwise wait on memory at each new page, in turn with the
 * multiplying; read a group early, the page's first line and its address translation arrive while
 * this group is multiplied. With weights streamed from memory (a model's matrices, unlike a
 * benchmark's one cached matrix) this makes products of 2–32 tokens 6–15% faster, and a serving
 * step of eight sequences 11%; one token's rows are read as one continuous stream, which the
 * prefetcher keeps up with, and reading ahead there was slower.
 *
 * <p>Every product is summed in one order: one accumulator over the row's whole vectors, its
 * lanes summed in {@link Lanes#FOLDS}' order, then the columns past the last whole vector one by one. A
 * result thus depends neither on where a range of rows starts or ends nor on the token's place
 * among the others, and never on the thread count.
 */
final class UnpackedProduct {

    /**
     * Tokens per tile: four with 32 vector registers (AVX-512); two with 16 (AVX2), where sixteen
     * accumulators and the loads feeding them do not fit, and spilling them cost a third of the
     * speed at four tokens.
     */
    private static final int TILE_TOKENS = Lanes.L >= 16 ? 4 : 2;
    /** The size of {@link #dot4x4}'s scratch space: sixteen vectors. */
    private static final int SUMS = 16 * Lanes.L;
    private static final ThreadLocal<float[]> SUMS_BUFFER = ThreadLocal.withInitial(() -> new float[SUMS]);
    private static final ThreadLocal<float[]> TILE = ThreadLocal.withInitial(() -> new float[0]);
    static final int ROW = 0;      // [4] the rows' offsets in the tile
    static final int TOKEN = 4;    // [4] the tokens' offsets in x
    static final int Y_TOKEN = 8;  // [4] the tokens' offsets in y
    static final int Y_ROW = 12;   // [4] the rows' indices in y
    /**
     * [1] the sum of the bytes read ahead: kept so that the JIT cannot drop the reads, in this
     * thread's array so that no other core's cache line is written.
     */
    private static final int READ_AHEAD = 16;
    /** The length of {@link #dot4x4}'s operands array: the slots above. */
    static final int OPERAND_SLOTS = READ_AHEAD + 1;
    /** {@link #dot4x4}'s operands: where its four rows, four tokens and sixteen results are. */
    private static final ThreadLocal<int[]> OPERANDS = ThreadLocal.withInitial(() -> new int[OPERAND_SLOTS]);
    /** The size of the memory pages read ahead of: x86's and most ARM systems' 4 KiB. */
    private static final long PAGE = 4096;

    private UnpackedProduct() {
    }

    /** {@link FusedDot#matMulRows} for {@code format}, rows unpacked through {@link WeightFormats#unpacker}. */
    static void matMulRows(WeightFormat format, MemorySegment w, int cols, int fromRow, int toRow, float[] x,
            int xOffset, int tokens, float[] y, int yOffset, int yStride) {
        long rowBytes = format.type().byteSize(cols);
        MethodHandle unpacker = WeightFormats.unpacker(format);
        float[] tile = tile(4 * cols);
        float[] sums = SUMS_BUFFER.get();
        int[] operands = OPERANDS.get();
        int readAhead = 0;
        for (int r = fromRow; r < toRow; r += 4) {
            readAhead += firstBytesOfPages(w, Math.min(r + 4L, toRow) * rowBytes, Math.min(r + 8L, toRow) * rowBytes);
            for (int i = 0; i < 4; i++) {
                int row = Math.min(r + i, toRow - 1);
                if (row == r + i) {
                    WeightFormats.unpackRow(unpacker, w, row * rowBytes, cols, tile, i * cols);
                }
                operands[ROW + i] = (row - r) * cols;
                operands[Y_ROW + i] = row;
            }
            for (int t = 0; t < tokens; t += TILE_TOKENS) {
                for (int k = 0; k < TILE_TOKENS; k++) {
                    int token = Math.min(t + k, tokens - 1);
                    operands[TOKEN + k] = xOffset + token * cols;
                    operands[Y_TOKEN + k] = yOffset + token * yStride;
                }
                if (TILE_TOKENS == 4) {
                    dot4x4(tile, cols, operands, x, y, sums);
                } else {
                    dot4x2(tile, cols, operands, x, y, sums);
                }
            }
        }
        operands[READ_AHEAD] += readAhead;
    }

    /** The sum of the first byte of each memory page that starts in bytes {@code [from, to)} of {@code w}. */
    private static int firstBytesOfPages(MemorySegment w, long from, long to) {
        int sum = 0;
        long base = w.address();
        for (long at = ((base + from + PAGE - 1) & -PAGE) - base; at < to; at += PAGE) {
            sum += w.get(ValueLayout.JAVA_BYTE, at);
        }
        return sum;
    }

    /** This thread's tile, at least {@code size} floats: grown rarely, never per call. */
    private static float[] tile(int size) {
        float[] tile = TILE.get();
        if (tile.length < size) {
            tile = new float[size];
            TILE.set(tile);
        }
        return tile;
    }

    /**
     * Four rows of {@code tile} ({@code cols} floats each) times four tokens of {@code x}, where
     * {@code operands} says: {@code y[Y_TOKEN[k] + Y_ROW[i]] = Σ_j tile[ROW[i] + j] · x[TOKEN[k] + j]}.
     */
    static void dot4x4(float[] tile, int cols, int[] operands, float[] x, float[] y, float[] sums) {
        int r0 = operands[ROW];
        int r1 = operands[ROW + 1];
        int r2 = operands[ROW + 2];
        int r3 = operands[ROW + 3];
        int x0 = operands[TOKEN];
        int x1 = operands[TOKEN + 1];
        int x2 = operands[TOKEN + 2];
        int x3 = operands[TOKEN + 3];
        FloatVector a00 = FloatVector.zero(Lanes.F), a01 = a00, a02 = a00, a03 = a00; // a[row][token]
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        int j = 0;
        for (; j <= cols - Lanes.L; j += Lanes.L) {
            FloatVector t0 = Lanes.x(x, x0 + j);
            FloatVector t1 = Lanes.x(x, x1 + j);
            FloatVector t2 = Lanes.x(x, x2 + j);
            FloatVector t3 = Lanes.x(x, x3 + j);
            FloatVector v = Lanes.x(tile, r0 + j);
            a00 = v.fma(t0, a00);
            a01 = v.fma(t1, a01);
            a02 = v.fma(t2, a02);
            a03 = v.fma(t3, a03);
            v = Lanes.x(tile, r1 + j);
            a10 = v.fma(t0, a10);
            a11 = v.fma(t1, a11);
            a12 = v.fma(t2, a12);
            a13 = v.fma(t3, a13);
            v = Lanes.x(tile, r2 + j);
            a20 = v.fma(t0, a20);
            a21 = v.fma(t1, a21);
            a22 = v.fma(t2, a22);
            a23 = v.fma(t3, a23);
            v = Lanes.x(tile, r3 + j);
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
        finish(sums, 4, tile, j, cols, operands, x, y);
    }

    /** {@link #dot4x4} for two tokens ({@code TOKEN[0..1]}, {@code Y_TOKEN[0..1]}): eight sums. */
    private static void dot4x2(float[] tile, int cols, int[] operands, float[] x, float[] y, float[] sums) {
        int r0 = operands[ROW];
        int r1 = operands[ROW + 1];
        int r2 = operands[ROW + 2];
        int r3 = operands[ROW + 3];
        int x0 = operands[TOKEN];
        int x1 = operands[TOKEN + 1];
        FloatVector a00 = FloatVector.zero(Lanes.F), a01 = a00; // a[row][token]
        FloatVector a10 = a00, a11 = a00;
        FloatVector a20 = a00, a21 = a00;
        FloatVector a30 = a00, a31 = a00;
        int j = 0;
        for (; j <= cols - Lanes.L; j += Lanes.L) {
            FloatVector t0 = Lanes.x(x, x0 + j);
            FloatVector t1 = Lanes.x(x, x1 + j);
            FloatVector v = Lanes.x(tile, r0 + j);
            a00 = v.fma(t0, a00);
            a01 = v.fma(t1, a01);
            v = Lanes.x(tile, r1 + j);
            a10 = v.fma(t0, a10);
            a11 = v.fma(t1, a11);
            v = Lanes.x(tile, r2 + j);
            a20 = v.fma(t0, a20);
            a21 = v.fma(t1, a21);
            v = Lanes.x(tile, r3 + j);
            a30 = v.fma(t0, a30);
            a31 = v.fma(t1, a31);
        }
        a00.intoArray(sums, 0);
        a10.intoArray(sums, Lanes.L);
        a20.intoArray(sums, 2 * Lanes.L);
        a30.intoArray(sums, 3 * Lanes.L);
        a01.intoArray(sums, 4 * Lanes.L);
        a11.intoArray(sums, 5 * Lanes.L);
        a21.intoArray(sums, 6 * Lanes.L);
        a31.intoArray(sums, 7 * Lanes.L);
        finish(sums, 2, tile, j, cols, operands, x, y);
    }

    /**
     * A tile's last step: the result of row {@code i} and token {@code k < tokens} is the lanes
     * of accumulator {@code 4k + i} in {@code sums}, summed, plus the products of the columns from
     * {@code from} on.
     */
    private static void finish(float[] sums, int tokens, float[] tile, int from, int cols, int[] operands,
            float[] x, float[] y) {
        for (int k = 0; k < tokens; k++) {
            for (int i = 0; i < 4; i++) {
                FloatVector lanes = FloatVector.fromArray(Lanes.F, sums, (4 * k + i) * Lanes.L);
                for (VectorShuffle<Float> fold : Lanes.FOLDS) {
                    lanes = lanes.add(lanes.rearrange(fold));
                }
                float sum = lanes.lane(0);
                for (int j = from; j < cols; j++) {
                    sum += tile[operands[ROW + i] + j] * x[operands[TOKEN + k] + j];
                }
                y[operands[Y_TOKEN + k] + operands[Y_ROW + i]] = sum;
            }
        }
    }
}
