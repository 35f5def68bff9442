package dev.hearth.compute.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.compute.quant.WeightFormats;
import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.compute.tensor.Tensor;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The backward products of a matrix product (and {@code addScaled}, training attention's
 * multiply-add), vectorized against the scalar reference and both against the exact sums in double: {@code dx += dy·W} for weights of every type (fine-tuning
 * reads frozen quantized weights) and {@code dW += dyᵀ·x}. Sizes straddle the kernels' tiles (32
 * rows, 256 columns, 4 weight rows) and the vector width. The bound is the one
 * {@link VectorKernelsTest} explains: {@code 2·(n + 16)·2^-24·Σ|terms|} with the accumulated value
 * counted as a term.
 */
class MatMulBackwardTest {
    private static final double U = 0x1p-24;
    private static final Kernels REFERENCE = new ScalarKernels();
    private static WorkerPool onePool;
    private static WorkerPool threePool;
    private static Kernels one;
    private static Kernels three;

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
    void backwardInputIsExactToRoundingAndTheSameForAnyThreadCount(GgmlType type) {
        Random random = new Random(31 + type.id());
        int block = type.blockSize();
        int[] colsList = block == 1 ? new int[] {1, 9, 300} : block == 32 ? new int[] {32, 288} : new int[] {256, 512};
        for (int cols : colsList) {
            for (int rows : new int[] {1, 33, 70}) {
                Tensor w = RandomTensors.matrix(type, rows, cols, random);
                float[] dense = new float[rows * cols];
                for (int r = 0; r < rows; r++) {
                    w.dequantizeRow(r, dense, r * cols);
                }
                for (int tokens : new int[] {1, 5}) {
                    int dyOffset = 2;
                    int dxOffset = 3;
                    float[] dy = withOffset(dyOffset, RandomTensors.gaussian(random, tokens * rows));
                    float[] start = withOffset(dxOffset, RandomTensors.gaussian(random, tokens * cols));
                    float[] byOne = start.clone();
                    float[] byThree = start.clone();
                    float[] byReference = start.clone();
                    one.matMulBackwardInput(w, dy, dyOffset, byOne, dxOffset, tokens);
                    three.matMulBackwardInput(w, dy, dyOffset, byThree, dxOffset, tokens);
                    REFERENCE.matMulBackwardInput(w, dy, dyOffset, byReference, dxOffset, tokens);
                    assertThat(byThree).as("%s %dx%d, %d tokens: 1 vs 3 threads", type, rows, cols, tokens)
                            .isEqualTo(byOne);
                    for (int t = 0; t < tokens; t++) {
                        for (int j = 0; j < cols; j++) {
                            int at = dxOffset + t * cols + j;
                            double exact = start[at];
                            double magnitude = Math.abs(start[at]);
                            for (int i = 0; i < rows; i++) {
                                double term = (double) dy[dyOffset + t * rows + i] * dense[i * cols + j];
                                exact += term;
                                magnitude += Math.abs(term);
                            }
                            double bound = 2 * (rows + 16) * U * magnitude;
                            assertThat((double) byOne[at]).as("%s dx[%d][%d]", type, t, j).isCloseTo(exact,
                                    org.assertj.core.data.Offset.offset(bound));
                            assertThat((double) byReference[at]).as("reference %s dx[%d][%d]", type, t, j)
                                    .isCloseTo(exact, org.assertj.core.data.Offset.offset(bound));
                        }
                    }
                    assertThat(byOne[0]).isEqualTo(start[0]); // nothing before the offset is touched
                }
            }
        }
    }

    @Test
    void backwardWeightsIsExactToRoundingAndTheSameForAnyThreadCount() {
        Random random = new Random(7);
        for (int rows : new int[] {1, 4, 7, 37}) {
            for (int cols : new int[] {1, 8, 19, 100}) {
                for (int tokens : new int[] {1, 3, 64}) {
                    int dyOffset = 1;
                    int xOffset = 4;
                    int dwOffset = 6;
                    float[] dy = withOffset(dyOffset, RandomTensors.gaussian(random, tokens * rows));
                    float[] x = withOffset(xOffset, RandomTensors.gaussian(random, tokens * cols));
                    float[] start = withOffset(dwOffset, RandomTensors.gaussian(random, rows * cols));
                    float[] byOne = start.clone();
                    float[] byThree = start.clone();
                    float[] byReference = start.clone();
                    one.matMulBackwardWeights(dy, dyOffset, x, xOffset, byOne, dwOffset, rows, cols, tokens);
                    three.matMulBackwardWeights(dy, dyOffset, x, xOffset, byThree, dwOffset, rows, cols, tokens);
                    REFERENCE.matMulBackwardWeights(dy, dyOffset, x, xOffset, byReference, dwOffset, rows, cols,
                            tokens);
                    assertThat(byThree).as("%dx%d, %d tokens: 1 vs 3 threads", rows, cols, tokens).isEqualTo(byOne);
                    for (int i = 0; i < rows; i++) {
                        for (int j = 0; j < cols; j++) {
                            int at = dwOffset + i * cols + j;
                            double exact = start[at];
                            double magnitude = Math.abs(start[at]);
                            for (int t = 0; t < tokens; t++) {
                                double term = (double) dy[dyOffset + t * rows + i] * x[xOffset + t * cols + j];
                                exact += term;
                                magnitude += Math.abs(term);
                            }
                            double bound = 2 * (tokens + 16) * U * magnitude;
                            assertThat((double) byOne[at]).as("dW[%d][%d]", i, j)
                                    .isCloseTo(exact, org.assertj.core.data.Offset.offset(bound));
                            assertThat((double) byReference[at]).as("reference dW[%d][%d]", i, j)
                                    .isCloseTo(exact, org.assertj.core.data.Offset.offset(bound));
                        }
                    }
                }
            }
        }
    }

    @Test
    void addScaledIsTheReferencesFusedMultiplyAddBitForBit() {
        Random random = new Random(9);
        for (int n : new int[] {0, 1, 7, 16, 33, 64, 100}) {
            float[] x = withOffset(2, RandomTensors.gaussian(random, n));
            float[] start = withOffset(5, RandomTensors.gaussian(random, n + 1));
            float[] expected = start.clone();
            float[] actual = start.clone();
            REFERENCE.addScaled(expected, 5, -0.75f, x, 2, n);
            one.addScaled(actual, 5, -0.75f, x, 2, n);
            assertThat(actual).as("n = %d", n).isEqualTo(expected);
            for (int i = 0; i < n; i++) {
                assertThat(expected[5 + i]).isEqualTo(Math.fma(-0.75f, x[2 + i], start[5 + i]));
            }
            assertThat(actual[5 + n]).isEqualTo(start[5 + n]); // nothing past n is touched
        }
    }

    private static float[] withOffset(int offset, float[] values) {
        float[] out = new float[offset + values.length];
        for (int i = 0; i < offset; i++) {
            out[i] = 1000 + i; // sentinels the kernels must leave alone
        }
        System.arraycopy(values, 0, out, offset, values.length);
        return out;
    }
}
