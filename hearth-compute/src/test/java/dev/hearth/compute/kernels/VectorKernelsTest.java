package dev.hearth.compute.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.compute.quant.WeightFormats;
import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.compute.tensor.Tensor;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link VectorKernels} against {@link ScalarKernels} on random inputs of awkward sizes: row counts
 * that are no multiple of the thread count or the vector length, the narrowest rows each format
 * allows, and float rows of every length modulo the vector width.
 *
 * <p>Tolerances. Both implementations compute in float and differ only in the order of sums (and,
 * for block formats, in where the block scale is applied and whether a multiply-add is fused).
 * Summing {@code n} products in any order is off from the exact sum by at most
 * {@code γ_n · Σ|a_j b_j|} with {@code γ_n ≈ n · 2^-24}; the two results are then within twice
 * that of each other. The bounds below are {@code 2 · (n + 16) · 2^-24 · Σ|a_j b_j|}, the 16
 * covering the few extra roundings per element (block scale, fused multiply-add). Element-wise
 * kernels that use the vector {@code exp}/{@code tanh} (documented within 1 ulp) are held to a
 * relative error of 2^-20.
 */
class VectorKernelsTest {

    private static final double U = 0x1p-24;
    private static final int[] TOKENS = {1, 2, 3, 5, 17, 40, 130};
    private static final int[] ROWS = {1, 7, 131};
    private static final int[] FLOAT_COLS = {1, 7, 33, 1023};

    private static WorkerPool onePool;
    private static WorkerPool threePool;
    private static Kernels one;
    private static Kernels three;
    private static final Kernels REFERENCE = new ScalarKernels();

    @BeforeAll
    static void startPools() {
        onePool = new WorkerPool(1);
        threePool = new WorkerPool(3);
        one = Kernels.vectorized(onePool);
        three = Kernels.vectorized(threePool);
    }

    @AfterAll
    static void stopPools() {
        onePool.close();
        threePool.close();
    }

    static Stream<GgmlType> supportedTypes() {
        return WeightFormats.supportedTypes().stream();
    }

    @ParameterizedTest
    @MethodSource("supportedTypes")
    void matMulMatchesTheReferenceAndIsTheSameForAnyThreadCount(GgmlType type) {
        Random random = new Random(type.id());
        int block = type.blockSize();
        int[] colsList = block == 1 ? FLOAT_COLS : block == 32 ? new int[] {32, 96, 1024} : new int[] {256, 768};
        for (int cols : colsList) {
            for (int rows : ROWS) {
                Tensor w = RandomTensors.matrix(type, rows, cols, random);
                float[] dequantized = new float[rows * cols];
                for (int r = 0; r < rows; r++) {
                    w.dequantizeRow(r, dequantized, r * cols);
                }
                for (int tokens : TOKENS) {
                    int xOffset = 3;
                    int yOffset = 5;
                    float[] x = new float[xOffset + tokens * cols];
                    System.arraycopy(RandomTensors.gaussian(random, tokens * cols), 0, x, xOffset, tokens * cols);
                    float[] expected = new float[yOffset + tokens * rows];
                    float[] single = new float[expected.length];
                    float[] multi = new float[expected.length];
                    REFERENCE.matMul(w, x, xOffset, expected, yOffset, tokens);
                    one.matMul(w, x, xOffset, single, yOffset, tokens);
                    three.matMul(w, x, xOffset, multi, yOffset, tokens);

                    assertThat(multi).as("%s, threads 1 and 3, %d tokens", w.name(), tokens).isEqualTo(single);
                    for (int t = 0; t < tokens; t++) {
                        for (int r = 0; r < rows; r++) {
                            double magnitude = 0;
                            for (int j = 0; j < cols; j++) {
                                magnitude += Math.abs((double) dequantized[r * cols + j] * x[xOffset + t * cols + j]);
                            }
                            double bound = 2 * (cols + 16) * U * magnitude;
                            int at = yOffset + t * rows + r;
                            assertThat((double) Math.abs(single[at] - expected[at]))
                                    .as("%s, token %d of %d, row %d: %s vs %s", w.name(), t, tokens, r, single[at],
                                            expected[at])
                                    .isLessThanOrEqualTo(bound);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("supportedTypes")
    void vecMatMatchesTheReference(GgmlType type) {
        Random random = new Random(100 + type.id());
        int[] colsList = type.blockSize() == 1 ? FLOAT_COLS : new int[] {type.blockSize()};
        for (int cols : colsList) {
            int rows = 19;
            Tensor w = RandomTensors.matrix(type, rows, cols, random);
            for (int rowsUsed : new int[] {1, 5, rows}) {
                float[] p = new float[2 + rowsUsed];
                System.arraycopy(RandomTensors.gaussian(random, rowsUsed), 0, p, 2, rowsUsed);
                float[] expected = new float[4 + cols];
                float[] actual = new float[4 + cols];
                java.util.Arrays.fill(actual, 1f);   // vecMat overwrites its output
                REFERENCE.vecMat(p, 2, w, rowsUsed, expected, 4);
                one.vecMat(p, 2, w, rowsUsed, actual, 4);
                float[] row = new float[cols];
                double[] magnitude = new double[cols];
                for (int i = 0; i < rowsUsed; i++) {
                    w.dequantizeRow(i, row, 0);
                    for (int j = 0; j < cols; j++) {
                        magnitude[j] += Math.abs((double) p[2 + i] * row[j]);
                    }
                }
                for (int j = 0; j < cols; j++) {
                    assertThat((double) Math.abs(actual[4 + j] - expected[4 + j]))
                            .as("%s, %d rows, column %d", w.name(), rowsUsed, j)
                            .isLessThanOrEqualTo(2 * (rowsUsed + 16) * U * magnitude[j]);
                }
            }
        }
    }

    /**
     * Attention over F32, F16 and BF16 caches, grouped-query (up to eight query heads per KV head)
     * and not, from an empty cache and after earlier positions, with steps that span more than one
     * task's block of tokens, value widths with and without a remainder: the same bits for one
     * and three threads, and within a few ulps of the reference (the outputs are convex
     * combinations of the values, so the bound is relative to the largest value).
     */
    @Test
    void attentionMatchesTheReferenceAndIsTheSameForAnyThreadCount() {
        Random random = new Random(42);
        int[][] cases = { // heads, kvHeads, headDim, valueDim, start, tokens
            {1, 1, 8, 8, 0, 1}, {4, 2, 64, 64, 0, 5}, {14, 2, 64, 64, 37, 1}, {6, 3, 40, 24, 3, 70},
            {2, 1, 33, 17, 100, 4}, {14, 2, 64, 64, 5, 11}, {8, 1, 80, 72, 2, 9}};
        for (GgmlType type : new GgmlType[] {GgmlType.F32, GgmlType.F16, GgmlType.BF16}) {
            for (int[] c : cases) {
                int heads = c[0], kvHeads = c[1], headDim = c[2], valueDim = c[3], start = c[4], tokens = c[5];
                int capacity = start + tokens + 3;
                List<Tensor> keys = new java.util.ArrayList<>();
                List<Tensor> values = new java.util.ArrayList<>();
                for (int g = 0; g < kvHeads; g++) {
                    keys.add(RandomTensors.matrix(type, capacity, headDim, random));
                    values.add(RandomTensors.matrix(type, capacity, valueDim, random));
                }
                float[] q = new float[2 + tokens * heads * headDim];
                System.arraycopy(RandomTensors.gaussian(random, tokens * heads * headDim), 0, q, 2, q.length - 2);
                float scale = (float) (1 / Math.sqrt(headDim));
                float[] expected = new float[3 + tokens * heads * valueDim];
                float[] single = new float[expected.length];
                float[] multi = new float[expected.length];
                REFERENCE.attention(q, 2, tokens, heads, kvHeads, keys, values, start, scale, expected, 3);
                one.attention(q, 2, tokens, heads, kvHeads, keys, values, start, scale, single, 3);
                three.attention(q, 2, tokens, heads, kvHeads, keys, values, start, scale, multi, 3);
                String what = type + " " + java.util.Arrays.toString(c);
                assertThat(multi).as("%s, threads 1 and 3", what).isEqualTo(single);
                double largest = 0;
                for (float v : expected) {
                    largest = Math.max(largest, Math.abs(v));
                }
                for (int i = 0; i < expected.length; i++) {
                    assertThat((double) Math.abs(single[i] - expected[i])).as("%s, element %d", what, i)
                            .isLessThanOrEqualTo(4 * (start + tokens + headDim + 16) * U * largest);
                }
            }
        }
    }

    /**
     * Bidirectional attention: the reference equals causal attention asked one query at a time at
     * the last position (which sees every position, as the encoder once computed it), and the
     * vector kernels give the same bits for one and three threads, within a few ulps of it.
     */
    @Test
    void bidirectionalAttentionLetsEveryTokenSeeEveryPosition() {
        Random random = new Random(43);
        int[][] cases = {{1, 1, 8, 8, 1}, {4, 2, 64, 64, 5}, {8, 8, 64, 64, 70}, {6, 3, 40, 24, 33}, {2, 1, 33, 17, 4}};
        for (GgmlType type : new GgmlType[] {GgmlType.F32, GgmlType.F16}) {
            for (int[] c : cases) { // heads, kvHeads, headDim, valueDim, tokens
                int heads = c[0], kvHeads = c[1], headDim = c[2], valueDim = c[3], tokens = c[4];
                List<Tensor> keys = new java.util.ArrayList<>();
                List<Tensor> values = new java.util.ArrayList<>();
                for (int g = 0; g < kvHeads; g++) {
                    keys.add(RandomTensors.matrix(type, tokens, headDim, random));
                    values.add(RandomTensors.matrix(type, tokens, valueDim, random));
                }
                float[] q = new float[2 + tokens * heads * headDim];
                System.arraycopy(RandomTensors.gaussian(random, tokens * heads * headDim), 0, q, 2, q.length - 2);
                float scale = (float) (1 / Math.sqrt(headDim));
                float[] expected = new float[3 + tokens * heads * valueDim];
                float[] oneAtATime = new float[expected.length];
                float[] single = new float[expected.length];
                float[] multi = new float[expected.length];
                REFERENCE.bidirectionalAttention(q, 2, tokens, heads, kvHeads, keys, values, scale, expected, 3);
                for (int t = 0; t < tokens; t++) {
                    REFERENCE.attention(q, 2 + t * heads * headDim, 1, heads, kvHeads, keys, values, tokens - 1, scale,
                            oneAtATime, 3 + t * heads * valueDim);
                }
                one.bidirectionalAttention(q, 2, tokens, heads, kvHeads, keys, values, scale, single, 3);
                three.bidirectionalAttention(q, 2, tokens, heads, kvHeads, keys, values, scale, multi, 3);
                String what = type + " " + java.util.Arrays.toString(c);
                assertThat(expected).as("%s, reference one query at a time", what).isEqualTo(oneAtATime);
                assertThat(multi).as("%s, threads 1 and 3", what).isEqualTo(single);
                double largest = 0;
                for (float v : expected) {
                    largest = Math.max(largest, Math.abs(v));
                }
                for (int i = 0; i < expected.length; i++) {
                    assertThat((double) Math.abs(single[i] - expected[i])).as("%s, element %d", what, i)
                            .isLessThanOrEqualTo(4 * (tokens + headDim + 16) * U * largest);
                }
            }
        }
    }

    /**
     * Several sequences' attention in one call, each over its own paged cache, with prompts and
     * single tokens mixed: each sequence's rows are the bits of its own call, for the vector
     * kernels with one and three threads and for the reference's default loop.
     */
    @Test
    void attentionOfABatchIsEachSequencesOwn() {
        Random random = new Random(5);
        int heads = 14, kvHeads = 2, headDim = 64, valueDim = 64, blockRows = 16;
        int[][] sequences = {{0, 1}, {37, 1}, {5, 11}, {70, 3}}; // start, tokens
        int rows = 0;
        for (int[] sequence : sequences) {
            rows += sequence[1];
        }
        float[] q = RandomTensors.gaussian(random, rows * heads * headDim);
        float scale = (float) (1 / Math.sqrt(headDim));
        for (Kernels kernels : new Kernels[] {REFERENCE, one, three}) {
            AttentionBatch batch = new AttentionBatch();
            float[] expected = new float[rows * heads * valueDim];
            Random cacheRandom = new Random(6);
            for (int i = 0, first = 0; i < sequences.length; first += sequences[i][1], i++) {
                int start = sequences[i][0];
                int tokens = sequences[i][1];
                List<Tensor> keys = new java.util.ArrayList<>();
                List<Tensor> values = new java.util.ArrayList<>();
                for (int b = 0; b < (start + tokens + blockRows - 1) / blockRows * kvHeads; b++) {
                    keys.add(RandomTensors.matrix(GgmlType.F16, blockRows, headDim, cacheRandom));
                    values.add(RandomTensors.matrix(GgmlType.F16, blockRows, valueDim, cacheRandom));
                }
                kernels.attention(q, first * heads * headDim, tokens, heads, kvHeads, keys, values, start, scale,
                        expected, first * heads * valueDim);
                batch.add(first, tokens, start, keys, values);
            }
            float[] batched = new float[expected.length];
            kernels.attention(batch, q, heads, kvHeads, scale, batched);
            assertThat(batched).as(kernels.getClass().getSimpleName()).isEqualTo(expected);
        }
    }

    /**
     * Attention's weighted sum over a tile of widened values equals, bit for bit, adding the
     * scaled rows to the output one by one, for widths with and without a remainder.
     */
    @Test
    void weightedTileRowsAreTheScaledRowsAddedOneByOne() {
        Random random = new Random(11);
        for (GgmlType type : new GgmlType[] {GgmlType.F32, GgmlType.F16, GgmlType.BF16}) {
            for (int cols : new int[] {5, 16, 24, 64, 72, 130}) {
                for (int rows : new int[] {1, 3, 32}) {
                    Tensor v = RandomTensors.matrix(type, rows, cols, random);
                    float[] tile = new float[rows * cols];
                    for (int r = 0; r < rows; r++) {
                        v.dequantizeRow(r, tile, r * cols);
                    }
                    float[] p = RandomTensors.gaussian(random, rows + 2);
                    float[] start = RandomTensors.gaussian(random, cols + 1);
                    float[] oneByOne = start.clone();
                    float[] tiled = start.clone();
                    VectorKernels.addWeightedRows(p, 2, v, rows, oneByOne, 1);
                    PagedAttention.addWeightedTileRows(p, 2, tile, rows, cols, tiled, 1);
                    assertThat(tiled).as("%s %d×%d", type, rows, cols).isEqualTo(oneByOne);
                }
            }
        }
    }

    /**
     * A paged cache (positions in blocks of 7 rows, KV head by KV head) gives the same bits as the
     * same keys and values in one contiguous block, with the vector and the scalar kernels.
     */
    @Test
    void attentionOverBlocksEqualsAttentionOverOneContiguousCache() {
        Random random = new Random(7);
        int heads = 6, kvHeads = 2, headDim = 40, valueDim = 24, blockRows = 7;
        for (GgmlType type : new GgmlType[] {GgmlType.F32, GgmlType.F16}) {
            for (int[] c : new int[][] {{0, 1}, {0, 9}, {13, 1}, {20, 30}, {6, 1}}) {
                int start = c[0], tokens = c[1];
                int blocks = (start + tokens + blockRows - 1) / blockRows + 1;
                List<Tensor> contiguousKeys = new java.util.ArrayList<>();
                List<Tensor> contiguousValues = new java.util.ArrayList<>();
                List<Tensor> pagedKeys = new java.util.ArrayList<>();
                List<Tensor> pagedValues = new java.util.ArrayList<>();
                for (int g = 0; g < kvHeads; g++) {
                    contiguousKeys.add(RandomTensors.matrix(type, blocks * blockRows, headDim, random));
                    contiguousValues.add(RandomTensors.matrix(type, blocks * blockRows, valueDim, random));
                }
                for (int b = 0; b < blocks; b++) {
                    for (int g = 0; g < kvHeads; g++) {
                        pagedKeys.add(rowsOf(contiguousKeys.get(g), b * blockRows, blockRows));
                        pagedValues.add(rowsOf(contiguousValues.get(g), b * blockRows, blockRows));
                    }
                }
                float[] q = RandomTensors.gaussian(random, tokens * heads * headDim);
                float scale = (float) (1 / Math.sqrt(headDim));
                for (Kernels kernels : new Kernels[] {REFERENCE, three}) {
                    float[] contiguous = new float[tokens * heads * valueDim];
                    float[] paged = new float[contiguous.length];
                    kernels.attention(q, 0, tokens, heads, kvHeads, contiguousKeys, contiguousValues, start, scale,
                            contiguous, 0);
                    kernels.attention(q, 0, tokens, heads, kvHeads, pagedKeys, pagedValues, start, scale, paged, 0);
                    assertThat(paged).as("%s %s start %d tokens %d", kernels.getClass().getSimpleName(), type, start,
                            tokens).isEqualTo(contiguous);
                }
            }
        }
    }

    /** Rows {@code [first, first+count)} of {@code matrix}, sharing its memory. */
    private static Tensor rowsOf(Tensor matrix, int first, int count) {
        return new Tensor(matrix.name() + "[" + first + "]", matrix.type(),
                dev.hearth.compute.tensor.Shape.of(matrix.cols(), count),
                matrix.data().asSlice(first * matrix.rowBytes(), count * matrix.rowBytes()));
    }

    @Test
    void dotMatchesTheReference() {
        Random random = new Random(1);
        for (int n : FLOAT_COLS) {
            float[] a = RandomTensors.gaussian(random, n + 1);
            float[] b = RandomTensors.gaussian(random, n + 2);
            double magnitude = 0;
            for (int i = 0; i < n; i++) {
                magnitude += Math.abs((double) a[1 + i] * b[2 + i]);
            }
            float expected = REFERENCE.dot(a, 1, b, 2, n);
            assertThat((double) Math.abs(one.dot(a, 1, b, 2, n) - expected)).as("n = %d", n)
                    .isLessThanOrEqualTo(2 * (n + 16) * U * magnitude);
        }
    }

    @Test
    void addScaleAndRopeAreBitIdenticalToTheReference() {
        Random random = new Random(2);
        for (int n : FLOAT_COLS) {
            float[] y = RandomTensors.gaussian(random, n + 3);
            float[] x = RandomTensors.gaussian(random, n + 1);
            float[] expected = y.clone();
            REFERENCE.add(expected, 3, x, 1, n);
            REFERENCE.scale(expected, 3, 0.37f, n);
            float[] actual = y.clone();
            one.add(actual, 3, x, 1, n);
            one.scale(actual, 3, 0.37f, n);
            assertThat(actual).as("n = %d", n).isEqualTo(expected);
        }
        float[] invFrequencies = new float[24];
        for (int k = 0; k < invFrequencies.length; k++) {
            invFrequencies[k] = (float) Math.pow(10000, -2.0 * k / 64);
        }
        for (boolean neox : new boolean[] {false, true}) {
            float[] x = RandomTensors.gaussian(random, 7 + 5 * 64);
            float[] expected = x.clone();
            REFERENCE.rope(expected, 7, 5, 64, 1234, invFrequencies, neox);
            one.rope(x, 7, 5, 64, 1234, invFrequencies, neox);
            assertThat(x).as("neox = %s", neox).isEqualTo(expected);
        }
    }

    @Test
    void normsMatchTheReference() {
        Random random = new Random(3);
        for (int n : FLOAT_COLS) {
            float[] x = RandomTensors.gaussian(random, n + 2);
            for (int i = 0; i < x.length; i++) {
                x[i] = x[i] * 3 + 1;   // an offset, so that layer norm's centring matters
            }
            float[] weight = RandomTensors.gaussian(random, n);
            float[] bias = RandomTensors.gaussian(random, n);
            float[] expected = new float[n + 1];
            float[] actual = new float[n + 1];
            REFERENCE.rmsNorm(expected, 1, x, 2, weight, 1e-5f, n);
            one.rmsNorm(actual, 1, x, 2, weight, 1e-5f, n);
            // Only the sum of squares (positive terms) is summed in another order: relative γ_n,
            // halved by the square root, then three roundings per element.
            for (int i = 1; i <= n; i++) {
                assertThat((double) Math.abs(actual[i] - expected[i])).as("rmsNorm n = %d, element %d", n, i)
                        .isLessThanOrEqualTo((n + 8) * U * Math.abs(expected[i]) + Float.MIN_NORMAL);
            }
            REFERENCE.layerNorm(expected, 1, x, 2, weight, bias, 1e-5f, n);
            one.layerNorm(actual, 1, x, 2, weight, bias, 1e-5f, n);
            // The mean moves by up to γ_n · mean|x|; that shift, scaled like every element, plus the
            // variance's relative γ_n, bounds the difference.
            double meanAbs = 0;
            for (int i = 0; i < n; i++) {
                meanAbs += Math.abs(x[2 + i]) / n;
            }
            for (int i = 1; i <= n; i++) {
                double scale = Math.abs(weight[i - 1]) / Math.sqrt(1e-5 + 1e-9);
                double bound = 4 * (n + 8) * U * (Math.abs(expected[i]) + Math.abs(bias[i - 1])
                        + Math.min(scale, 1e3) * meanAbs) + Float.MIN_NORMAL;
                assertThat((double) Math.abs(actual[i] - expected[i])).as("layerNorm n = %d, element %d", n, i)
                        .isLessThanOrEqualTo(bound);
            }
        }
    }

    @Test
    void activationsAndSoftmaxMatchTheReference() {
        Random random = new Random(4);
        double tolerance = 0x1p-20;
        for (int n : FLOAT_COLS) {
            float[] gate = RandomTensors.gaussian(random, n + 1);
            for (int i = 0; i < gate.length; i++) {
                gate[i] *= 4;
            }
            float[] up = RandomTensors.gaussian(random, n);
            float[] expected = gate.clone();
            float[] actual = gate.clone();
            REFERENCE.swiGlu(expected, 1, up, 0, n);
            one.swiGlu(actual, 1, up, 0, n);
            assertClose(actual, expected, tolerance, "swiGlu n = " + n);

            expected = gate.clone();
            actual = gate.clone();
            REFERENCE.gelu(expected, 1, n);
            one.gelu(actual, 1, n);
            // 1 + tanh cancels for large negative inputs, so the error is relative to |x| there.
            for (int i = 1; i <= n; i++) {
                assertThat((double) Math.abs(actual[i] - expected[i])).as("gelu n = %d, element %d", n, i)
                        .isLessThanOrEqualTo(tolerance * (Math.abs(expected[i]) + Math.abs(gate[i])));
            }

            expected = gate.clone();
            actual = gate.clone();
            REFERENCE.geluErf(expected, 1, n);
            one.geluErf(actual, 1, n);
            for (int i = 1; i <= n; i++) {
                assertThat((double) Math.abs(actual[i] - expected[i])).as("geluErf n = %d, element %d", n, i)
                        .isLessThanOrEqualTo(tolerance * (Math.abs(expected[i]) + Math.abs(gate[i])));
            }

            float[] logits = gate.clone();
            logits[1 + n / 2] = 80f;    // far beyond exp's float range without the max subtracted
            expected = logits.clone();
            actual = logits.clone();
            REFERENCE.softmax(expected, 1, n);
            one.softmax(actual, 1, n);
            assertClose(actual, expected, (n + 8) * U + tolerance, "softmax n = " + n);
        }
    }

    /**
     * GELU (erf) over more than one of its chunks, the last one partial: within the tolerance of
     * the reference, and the same bits as applied to pieces of the array one vector long.
     */
    @Test
    void geluErfOverSeveralChunksMatchesTheReferenceAndIsTheSameInPieces() {
        Random random = new Random(6);
        int n = 2 * VectorKernels.GELU_CHUNK + 37;
        float[] x = RandomTensors.gaussian(random, n + 1);
        for (int i = 0; i < x.length; i++) {
            x[i] *= 4;
        }
        float[] expected = x.clone();
        float[] actual = x.clone();
        float[] pieces = x.clone();
        REFERENCE.geluErf(expected, 1, n);
        one.geluErf(actual, 1, n);
        for (int from = 0; from < n; from += 16) {
            one.geluErf(pieces, 1 + from, Math.min(16, n - from));
        }
        for (int i = 1; i <= n; i++) {
            assertThat((double) Math.abs(actual[i] - expected[i])).as("element %d", i)
                    .isLessThanOrEqualTo(0x1p-20 * (Math.abs(expected[i]) + Math.abs(x[i])));
        }
        assertThat(actual).isEqualTo(pieces);
    }

    private static void assertClose(float[] actual, float[] expected, double relative, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) Math.abs(actual[i] - expected[i])).as("%s, element %d", what, i)
                    .isLessThanOrEqualTo(relative * Math.abs(expected[i]) + Float.MIN_NORMAL);
        }
    }
}
