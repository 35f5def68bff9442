package dev.hearth.compute.quant;

import java.util.Arrays;

/**
 * The searches ggml's reference K-quantizers use to choose a group's scale (and min) and its
 * integer levels, reproduced operation for operation so the chosen levels match ggml's.
 *
 * <p>Both try a handful of candidate scales around the obvious one (largest magnitude mapped to
 * the largest level), quantize the group with each, and keep the one that fits best in the
 * weighted least-squares sense. All arithmetic is float, in ggml's order, without fused
 * multiply-add, as ggml's reference builds on x86-64.
 */
final class ScaleSearch {

    /** Groups whose largest magnitude is below this are treated as all zero, as in ggml. */
    static final float GROUP_MAX_EPS = 1e-15f;

    private ScaleSearch() {
    }

    /** A group's scale and the (non-negative) amount subtracted after scaling. */
    record ScaleAndMin(float scale, float min) {
    }

    /**
     * Rounds to the nearest integer, ties to even: ggml's {@code nearest_int}, which adds 1.5·2^23
     * and reads the mantissa. Exact for the magnitudes quantizers produce (below 2^22).
     */
    static int nearestInt(float value) {
        return (int) Math.rint(value);
    }

    /**
     * Chooses a symmetric scale for {@code x[from .. from + n)} with levels {@code -nmax .. nmax-1},
     * weighting each element by its square (ggml's {@code make_qx_quants} with
     * {@code rmse_type = 1} and no importance weights).
     *
     * @param levels receives {@code level + nmax}, so in {@code 0 .. 2·nmax-1}, at {@code levelsFrom}
     * @return the scale: element ≈ scale · level; 0 for an all-zero group. It has the opposite sign
     *     of the group's largest-magnitude element, which then sits at level {@code -nmax}.
     */
    static float symmetric(float[] x, int from, int n, int nmax, byte[] levels, int levelsFrom) {
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; i++) {
            float ax = Math.abs(x[from + i]);
            if (ax > amax) {
                amax = ax;
                max = x[from + i];
            }
        }
        if (amax < GROUP_MAX_EPS) {
            Arrays.fill(levels, levelsFrom, levelsFrom + n, (byte) 0);
            return 0f;
        }
        float iscale = -nmax / max;
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; i++) {
            float v = x[from + i];
            int l = clamp(nearestInt(iscale * v), -nmax, nmax - 1);
            levels[levelsFrom + i] = (byte) (l + nmax);
            float w = v * v;
            sumlx += w * v * l;
            suml2 += w * l * l;
        }
        float scale = suml2 != 0 ? sumlx / suml2 : 0f;
        float best = scale * sumlx;
        for (int step = -9; step <= 9; step++) {
            if (step == 0) {
                continue;
            }
            iscale = -(nmax + 0.1f * step) / max;
            sumlx = 0;
            suml2 = 0;
            for (int i = 0; i < n; i++) {
                float v = x[from + i];
                int l = clamp(nearestInt(iscale * v), -nmax, nmax - 1);
                float w = v * v;
                sumlx += w * v * l;
                suml2 += w * l * l;
            }
            if (suml2 > 0 && sumlx * sumlx > best * suml2) {
                for (int i = 0; i < n; i++) {
                    int l = clamp(nearestInt(iscale * x[from + i]), -nmax, nmax - 1);
                    levels[levelsFrom + i] = (byte) (l + nmax);
                }
                scale = sumlx / suml2;
                best = scale * sumlx;
            }
        }
        return scale;
    }

    /**
     * Chooses a scale and min for {@code x[from .. from + n)} with levels {@code 0 .. nmax}, so that
     * element ≈ scale · level − min, minimizing the {@code weights}-weighted squared error (ggml's
     * {@code make_qkx2_quants} without {@code use_mad}). Candidate inverse scales are
     * {@code (nmax + rmin + rdelta·k) / range} for {@code k = 0 .. steps}, each refined by a
     * least-squares fit of scale and min to its levels.
     *
     * @param levels receives the chosen levels at {@code levelsFrom}
     */
    static ScaleAndMin withMin(float[] x, int from, int n, int nmax, float[] weights, byte[] levels,
            int levelsFrom, float rmin, float rdelta, int steps) {
        float min = x[from];
        float max = x[from];
        float sumW = weights[0];
        float sumX = sumW * x[from];
        for (int i = 1; i < n; i++) {
            float v = x[from + i];
            if (v < min) {
                min = v;
            }
            if (v > max) {
                max = v;
            }
            float w = weights[i];
            sumW += w;
            sumX += w * v;
        }
        // The min is only ever subtracted, so a group of positive numbers keeps min 0.
        if (min > 0) {
            min = 0;
        }
        if (max == min) {
            Arrays.fill(levels, levelsFrom, levelsFrom + n, (byte) 0);
            return new ScaleAndMin(0f, -min);
        }
        float iscale = nmax / (max - min);
        float scale = 1 / iscale;
        float bestError = 0;
        for (int i = 0; i < n; i++) {
            int l = clamp(nearestInt(iscale * (x[from + i] - min)), 0, nmax);
            levels[levelsFrom + i] = (byte) l;
            float diff = scale * l + min - x[from + i];
            bestError += weights[i] * (diff * diff);
        }
        if (steps < 1) {
            return new ScaleAndMin(scale, -min);
        }
        byte[] candidate = new byte[n];
        for (int step = 0; step <= steps; step++) {
            iscale = (rmin + rdelta * step + nmax) / (max - min);
            float sumL = 0;
            float sumL2 = 0;
            float sumXL = 0;
            for (int i = 0; i < n; i++) {
                int l = clamp(nearestInt(iscale * (x[from + i] - min)), 0, nmax);
                candidate[i] = (byte) l;
                float w = weights[i];
                sumL += w * l;
                sumL2 += w * l * l;
                sumXL += w * l * x[from + i];
            }
            float det = sumW * sumL2 - sumL * sumL;
            if (det > 0) {
                float thisScale = (sumW * sumXL - sumX * sumL) / det;
                float thisMin = (sumL2 * sumX - sumL * sumXL) / det;
                if (thisMin > 0) {
                    thisMin = 0;
                    thisScale = sumXL / sumL2;
                }
                float error = 0;
                for (int i = 0; i < n; i++) {
                    float diff = thisScale * Byte.toUnsignedInt(candidate[i]) + thisMin - x[from + i];
                    error += weights[i] * (diff * diff);
                }
                if (error < bestError) {
                    System.arraycopy(candidate, 0, levels, levelsFrom, n);
                    bestError = error;
                    scale = thisScale;
                    min = thisMin;
                }
            }
        }
        return new ScaleAndMin(scale, -min);
    }

    static int clamp(int value, int lo, int hi) {
        return Math.max(lo, Math.min(hi, value));
    }
}
