package dev.hearth.train.nn;

/**
 * RMSNorm: {@code y = x · rstd · g} with {@code rstd = 1 / sqrt(mean(x²) + eps)}, per row of
 * {@code n}. The forward pass keeps each row's {@code rstd} for the backward pass.
 */
public final class RmsNorm {
    private RmsNorm() {}

    public static void forward(float[] out, float[] rstd, float[] x, int rows, int n, float[] gain, long gainOffset,
            float eps) {
        int g = (int) gainOffset;
        for (int r = 0; r < rows; r++) {
            int base = r * n;
            float sumSquares = 0f;
            for (int j = 0; j < n; j++) {
                sumSquares += x[base + j] * x[base + j];
            }
            float s = 1f / (float) Math.sqrt(sumSquares / n + eps);
            rstd[r] = s;
            for (int j = 0; j < n; j++) {
                out[base + j] = x[base + j] * s * gain[g + j];
            }
        }
    }

    /**
     * With {@code u = g ⊙ dy}: {@code dx += rstd · u − rstd³/n · (u·x) · x} and
     * {@code dg += Σ_rows dy ⊙ x · rstd} (skipped when {@code dGain} is null: a frozen gain).
     */
    public static void backward(float[] dx, float[] dGain, float[] dOut, float[] x, float[] rstd, int rows, int n,
            float[] gain, long gainOffset) {
        int g = (int) gainOffset;
        for (int r = 0; r < rows; r++) {
            int base = r * n;
            float s = rstd[r];
            float dot = 0f; // Σ_j g_j dy_j x_j
            for (int j = 0; j < n; j++) {
                dot += gain[g + j] * dOut[base + j] * x[base + j];
            }
            float c = s * s * s / n * dot;
            for (int j = 0; j < n; j++) {
                dx[base + j] += s * gain[g + j] * dOut[base + j] - c * x[base + j];
            }
            if (dGain != null) {
                for (int j = 0; j < n; j++) {
                    dGain[g + j] += dOut[base + j] * x[base + j] * s;
                }
            }
        }
    }
}
