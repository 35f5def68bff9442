package dev.hearth.compute.quant;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SubBlockSumsTest {

    @ParameterizedTest
    @ValueSource(ints = {16, 32})
    void eachGroupIsItsEightSumsThenZerosUpToTheLanes(int size) {
        int cols = 3 * 8 * size;
        float[] x = new float[5 + cols];
        for (int j = 0; j < x.length; j++) {
            x[j] = j % 7 - 3;
        }
        x[0] = Float.NaN; // before xOffset: never read

        float[] sums = SubBlockSums.of(x, 5, cols, size);

        for (int group = 0; group < 3; group++) {
            for (int lane = 0; lane < Lanes.L; lane++) {
                float expected = 0;
                if (lane < 8) {
                    int from = 5 + (8 * group + lane) * size;
                    for (int j = from; j < from + size; j++) {
                        expected += x[j];
                    }
                }
                assertThat(sums[group * Lanes.L + lane]).as("group %d, lane %d", group, lane).isEqualTo(expected);
            }
        }
    }
}
