package dev.hearth.compute.kernels;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The reference kernels against values computed elsewhere (here: erf-based GELU from Python's math.erf). */
class ScalarKernelsTest {

    @Test
    void geluErfMatchesTheExactGelu() {
        float[] x = {0f, 1f, -1f, 2f, -3f, 0.5f, 6f};
        // x · Φ(x), Φ the standard normal CDF, to 7 significant digits
        float[] expected = {0f, 0.8413447f, -0.1586553f, 1.9544997f, -0.004049694f, 0.3457312f, 6f};
        new ScalarKernels().geluErf(x, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            assertThat(x[i]).as("gelu element %d", i).isCloseTo(expected[i], within(3e-7f * Math.max(1f, Math.abs(expected[i]))));
        }
    }
}
