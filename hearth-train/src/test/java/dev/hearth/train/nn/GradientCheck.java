package dev.hearth.train.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.ToDoubleFunction;

/**
 * Compares an analytic gradient (float, from a backward pass) with central finite differences of a
 * loss computed in double precision. The tolerance is relative to the largest derivative checked,
 * since a float sum of terms loses precision in proportion to its terms, not its result.
 */
public final class GradientCheck {
    private GradientCheck() {}

    /**
     * @param what the variable, for messages
     * @param loss the loss as a function of the variable's values
     * @param at the point (the float values the analytic pass saw, as doubles); not modified
     * @param analytic the backward pass's gradient, {@code [at.length]} from {@code offset}
     * @param indices which elements to check (all when null)
     */
    public static void check(String what, ToDoubleFunction<double[]> loss, double[] at, float[] analytic, int offset,
            int[] indices) {
        int[] which = indices != null ? indices : java.util.stream.IntStream.range(0, at.length).toArray();
        double[] numeric = new double[which.length];
        double largest = 0;
        for (int n = 0; n < which.length; n++) {
            int i = which[n];
            double[] x = at.clone();
            double eps = 1e-6 * Math.max(1, Math.abs(at[i]));
            x[i] = at[i] + eps;
            double plus = loss.applyAsDouble(x);
            x[i] = at[i] - eps;
            double minus = loss.applyAsDouble(x);
            numeric[n] = (plus - minus) / (2 * eps);
            largest = Math.max(largest, Math.abs(numeric[n]));
        }
        assertThat(largest).as("%s: the loss depends on the variable at all", what).isGreaterThan(1e-6);
        for (int n = 0; n < which.length; n++) {
            int i = which[n];
            double tolerance = 2e-4 * largest + 1e-3 * Math.abs(numeric[n]);
            assertThat((double) analytic[offset + i]).as("%s[%d]: analytic vs numeric", what, i)
                    .isCloseTo(numeric[n], org.assertj.core.data.Offset.offset(tolerance));
        }
    }

    public static float[] gaussian(java.util.Random random, int n, double sd) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (random.nextGaussian() * sd);
        }
        return out;
    }
}
