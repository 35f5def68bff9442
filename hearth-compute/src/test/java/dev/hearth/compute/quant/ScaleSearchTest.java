package dev.hearth.compute.quant;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ScaleSearchTest {

    @Test
    void nearestIntRoundsHalfwayCasesToEven() {
        assertThat(ScaleSearch.nearestInt(0.5f)).isZero();
        assertThat(ScaleSearch.nearestInt(1.5f)).isEqualTo(2);
        assertThat(ScaleSearch.nearestInt(2.5f)).isEqualTo(2);
        assertThat(ScaleSearch.nearestInt(-2.5f)).isEqualTo(-2);
        assertThat(ScaleSearch.nearestInt(-2.5000002f)).isEqualTo(-3);
        assertThat(ScaleSearch.nearestInt(4194303f)).isEqualTo(4194303);
    }

    @Test
    void symmetricSearchPutsTheLargestMagnitudeOnTheLowestLevel() {
        float[] x = {0.5f, -2f, 1f, 1.5f};
        byte[] levels = new byte[4];
        // 3-bit symmetric levels -4..3 (stored +4): -2 is the largest magnitude, so the scale is
        // -4 / -2 = 2 per value, i.e. 0.5 per level, and the fit is exact.
        float scale = ScaleSearch.symmetric(x, 0, 4, 4, levels, 0);
        assertThat(scale).isEqualTo(0.5f);
        assertThat(levels).containsExactly(4 + 1, 4 - 4, 4 + 2, 4 + 3);
    }

    @Test
    void searchWithMinKeepsMinZeroForAPositiveGroup() {
        float[] x = {3f, 1f, 2f, 0f};
        float[] weights = {1f, 1f, 1f, 1f};
        byte[] levels = new byte[4];
        ScaleSearch.ScaleAndMin fit = ScaleSearch.withMin(x, 0, 4, 3, weights, levels, 0, -0.5f, 0.1f, 15);
        assertThat(fit.min()).isZero();
        assertThat(fit.scale()).isEqualTo(1f);
        assertThat(levels).containsExactly(3, 1, 2, 0);
    }

    @Test
    void searchWithMinReportsTheNegatedMinimumOfAConstantNegativeGroup() {
        float[] x = {-1.5f, -1.5f};
        byte[] levels = {9, 9};
        ScaleSearch.ScaleAndMin fit = ScaleSearch.withMin(x, 0, 2, 15, new float[] {1, 1}, levels, 0, -1f, 0.1f, 20);
        assertThat(fit).isEqualTo(new ScaleSearch.ScaleAndMin(0f, 1.5f));
        assertThat(levels).containsExactly(0, 0);
    }
}
