package dev.hearth.compute.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The register tiles of {@link BidirectionalAttention} against their scalar reference: every
 * element of {@code y = a · m} is a chain of fused multiply-adds in index order from zero, so a
 * loop of {@link Math#fma} gives the same bits, for row counts and widths that leave partial tiles.
 * (The attention itself is checked against {@link ScalarKernels} in {@link VectorKernelsTest}.)
 */
class BidirectionalAttentionTest {

    @Test
    void outerProductsAreFusedMultiplyAddChainsInIndexOrder() {
        Random random = new Random(5);
        int lanes = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length() > 16
                ? 16 : jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
        for (int n : new int[] {1, 3, 4, 7, 32}) {
            for (int vectors : new int[] {1, 3, 4, 5, 9}) {
                for (int K : new int[] {1, 17, 64}) {
                    int W = vectors * lanes;
                    int aStride = K + 3;
                    float[] a = RandomTensors.gaussian(random, n * aStride);
                    float[] m = RandomTensors.gaussian(random, K * W);
                    float[] y = new float[n * W];
                    BidirectionalAttention.outerProducts(a, aStride, K, n, m, W, y);
                    float[] expected = new float[n * W];
                    for (int t = 0; t < n; t++) {
                        for (int c = 0; c < W; c++) {
                            float acc = 0f;
                            for (int k = 0; k < K; k++) {
                                acc = Math.fma(m[k * W + c], a[t * aStride + k], acc);
                            }
                            expected[t * W + c] = acc;
                        }
                    }
                    assertThat(y).as("n %d, W %d, K %d", n, W, K).isEqualTo(expected);
                }
            }
        }
    }
}
