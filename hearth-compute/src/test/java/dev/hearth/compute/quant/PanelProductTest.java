package dev.hearth.compute.quant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.compute.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The products of many tokens in panels, against the scalar chain of multiply-adds they promise. */
class PanelProductTest {

    private static final int W = PanelProduct.WIDTH;

    /**
     * Every element, bit for bit, is {@code s = fma(W[r][k], x[t][k], s)} over the columns in order,
     * with the row as the format unpacks it: for ranges of rows that start and end anywhere (whole
     * and partial groups of six), token counts of one panel, of whole panels and of a partly
     * filled last one, and packed data that starts at an offset.
     */
    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K",
        "Q3_K", "Q4_K", "Q5_K", "Q6_K", "IQ4_NL", "IQ4_XS"})
    void everyElementIsTheChainOfMultiplyAddsOverTheUnpackedRow(GgmlType type) {
        WeightFormat format = WeightFormats.of(type);
        int rows = UnpackedProductTest.ROWS;
        for (int cols : UnpackedProductTest.widths(type)) {
            MemorySegment w = UnpackedProductTest.matrix(type, cols);
            long rowBytes = type.byteSize(cols);
            float[][] unpacked = new float[rows][cols];
            for (int r = 0; r < rows; r++) {
                WeightFormats.unpackRow(format, w, r * rowBytes, cols, unpacked[r], 0);
            }
            for (int tokens : new int[] {PanelProduct.MIN_TOKENS, W, W + 1, 2 * W + 7}) {
                int xOffset = 3;
                float[] x = new float[xOffset + tokens * cols];
                System.arraycopy(TestBlocks.gaussian(tokens + cols, tokens * cols, 1), 0, x, xOffset, tokens * cols);
                int xtOffset = 5;
                float[] xt = new float[xtOffset + (int) PanelProduct.packedSize(tokens, cols)];
                PanelProduct.pack(x, xOffset, cols, tokens, 0, cols, xt, xtOffset);
                for (int from = 0; from <= 7; from += 7) {
                    for (int to = from; to <= rows; to++) {
                        int yOffset = 2;
                        int yStride = rows + 1;
                        float[] expected = new float[yOffset + tokens * yStride];
                        float[] actual = new float[expected.length];
                        for (int r = from; r < to; r++) {
                            for (int t = 0; t < tokens; t++) {
                                float s = 0;
                                for (int k = 0; k < cols; k++) {
                                    s = Math.fma(unpacked[r][k], x[xOffset + t * cols + k], s);
                                }
                                expected[yOffset + t * yStride + r] = s;
                            }
                        }
                        PanelProduct.matMulRows(format, w, cols, from, to, xt, xtOffset, tokens, actual, yOffset,
                                yStride);
                        assertThat(actual).as("%s: cols %d, tokens %d, rows [%d, %d)", type, cols, tokens, from, to)
                                .isEqualTo(expected);
                    }
                }
            }
        }
    }

    /** Packing puts each token's column in its panel's lane, zeros past the last token, and only the columns asked for. */
    @Test
    void packingTransposesEachPanelAndZeroesTheLanesPastTheLastToken() {
        int cols = 5;
        int tokens = W + 3;
        float[] x = new float[1 + tokens * cols];
        for (int i = 1; i < x.length; i++) {
            x[i] = i;
        }
        float[] xt = new float[2 + (int) PanelProduct.packedSize(tokens, cols)];
        Arrays.fill(xt, -1f); // stale data from an earlier product
        PanelProduct.pack(x, 1, cols, tokens, 1, 4, xt, 2);
        for (int t = 0; t < 2 * W; t++) {
            for (int k = 0; k < cols; k++) {
                float packed = xt[2 + t / W * W * cols + k * W + t % W];
                float expected = k < 1 || k >= 4 ? -1f : t < tokens ? x[1 + t * cols + k] : 0f;
                assertThat(packed).as("token %d, column %d", t, k).isEqualTo(expected);
            }
        }
        assertThat(xt[0]).isEqualTo(-1f);
        assertThat(xt[1]).isEqualTo(-1f);
    }
}
