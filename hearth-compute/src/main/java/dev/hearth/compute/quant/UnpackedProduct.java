package dev.hearth.compute.quant;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * Matrix products of several tokens, for every fused format: four rows at a time are unpacked
 * into floats ({@link FusedDot#unpackRow}) in a tile of this thread's, once for all the tokens,
 * and the tile is multiplied four rows by four tokens with sixteen sums in registers. Each weight
 * and activation vector loaded then serves four products, and a block's unpacking is paid once
 * per row and call instead of once per four tokens: with many tokens (a prompt, a batch of
 * sequences) the formats run at float speed.
 *
 * <p>Every product is summed in one order, whichever path computes it (a four-by-four tile, a row
 * left over, a token left over): one accumulator over the row's whole vectors, its lanes summed
 * by {@link Lanes#sum}, then the columns past the last whole vector one by one. A result thus
 * depends neither on where a range of rows starts or ends nor on the token's place among the
 * others, and never on the thread count.
 */
final class UnpackedProduct {

    /** The size of {@link #dot4x4}'s scratch space: sixteen vectors. */
    private static final int SUMS = 16 * Lanes.L;
    private static final ThreadLocal<float[]> SUMS_BUFFER = ThreadLocal.withInitial(() -> new float[SUMS]);
    private static final ThreadLocal<float[]> TILE = ThreadLocal.withInitial(() -> new float[0]);

    private UnpackedProduct() {
    }

    /** {@link FusedDot#matMulRows} for {@code format}. */
    static void matMulRows(FusedDot format, MemorySegment w, int cols, int fromRow, int toRow, float[] x,
            int xOffset, int tokens, float[] y, int yOffset, int yStride) {
        long rowBytes = format.type().byteSize(cols);
        float[] tile = tile(4 * cols);
        float[] sums = SUMS_BUFFER.get();
        int quads = tokens & ~3;
        int r = fromRow;
        for (; r + 4 <= toRow; r += 4) {
            for (int i = 0; i < 4; i++) {
                format.unpackRow(w, (r + i) * rowBytes, cols, tile, i * cols);
            }
            for (int t = 0; t < quads; t += 4) {
                dot4x4(tile, cols, x, xOffset + t * cols, y, yOffset + t * yStride + r, yStride, sums);
            }
            for (int t = quads; t < tokens; t++) {
                for (int i = 0; i < 4; i++) {
                    y[yOffset + t * yStride + r + i] = dot(tile, i * cols, cols, x, xOffset + t * cols);
                }
            }
        }
        for (; r < toRow; r++) {
            format.unpackRow(w, r * rowBytes, cols, tile, 0);
            for (int t = 0; t < tokens; t++) {
                y[yOffset + t * yStride + r] = dot(tile, 0, cols, x, xOffset + t * cols);
            }
        }
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

    /** One unpacked row times one token, in the order the class comment gives. */
    static float dot(float[] row, int rowOffset, int cols, float[] x, int xOffset) {
        FloatVector a = FloatVector.zero(Lanes.F);
        int j = 0;
        for (; j <= cols - Lanes.L; j += Lanes.L) {
            a = Lanes.x(row, rowOffset + j).fma(Lanes.x(x, xOffset + j), a);
        }
        return tail(Lanes.sum(a), row, rowOffset, j, cols, x, xOffset);
    }

    /**
     * The four unpacked rows of {@code tile} ({@code cols} floats each) times four tokens at
     * {@code xOffset + k·cols}: {@code y[yOffset + k·yStride + i] = Σ_j tile[i][j] · x[k][j]}.
     */
    static void dot4x4(float[] tile, int cols, float[] x, int xOffset, float[] y, int yOffset, int yStride,
            float[] sums) {
        int r1 = cols;
        int r2 = 2 * cols;
        int r3 = 3 * cols;
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
            FloatVector t0 = Lanes.x(x, x0 + j);
            FloatVector t1 = Lanes.x(x, x1 + j);
            FloatVector t2 = Lanes.x(x, x2 + j);
            FloatVector t3 = Lanes.x(x, x3 + j);
            FloatVector v = Lanes.x(tile, j);
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
        finish4x4(sums, tile, j, cols, x, xOffset, y, yOffset, yStride);
    }

    /**
     * {@link #dot4x4}'s last step: {@code y[t][i]} is the lanes of accumulator {@code 4t + i} in
     * {@code sums}, summed, plus the products of row {@code i} and token {@code t} from column
     * {@code from} on.
     */
    private static void finish4x4(float[] sums, float[] tile, int from, int cols, float[] x, int xOffset,
            float[] y, int yOffset, int yStride) {
        for (int t = 0; t < 4; t++) {
            for (int i = 0; i < 4; i++) {
                float sum = Lanes.sum(Lanes.x(sums, (4 * t + i) * Lanes.L));
                y[yOffset + t * yStride + i] = tail(sum, tile, i * cols, from, cols, x, xOffset + t * cols);
            }
        }
    }

    /** {@code sum} plus the products of the row's columns {@code [from, cols)}, one by one in order. */
    private static float tail(float sum, float[] row, int rowOffset, int from, int cols, float[] x, int xOffset) {
        for (int j = from; j < cols; j++) {
            sum += row[rowOffset + j] * x[xOffset + j];
        }
        return sum;
    }
}
