package dev.hearth.train.nn;

/**
 * The layers' forward passes again, in double precision and the plainest loops: what the
 * gradient checks differentiate numerically. Arrays have the same layouts as the float layers'.
 */
public final class Reference64 {
    private Reference64() {}

    public static double[] rmsNorm(double[] x, int rows, int n, double[] gain, float eps) {
        double[] y = new double[rows * n];
        for (int r = 0; r < rows; r++) {
            double sumSquares = 0;
            for (int j = 0; j < n; j++) {
                sumSquares += x[r * n + j] * x[r * n + j];
            }
            double s = 1 / Math.sqrt(sumSquares / n + eps);
            for (int j = 0; j < n; j++) {
                y[r * n + j] = x[r * n + j] * s * gain[j];
            }
        }
        return y;
    }

    /** {@code y[r][o] = Σ_i w[o][i] x[r][i]}. */
    public static double[] linear(double[] x, int rows, int in, double[] w, int out) {
        double[] y = new double[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double sum = 0;
                for (int i = 0; i < in; i++) {
                    sum += w[o * in + i] * x[r * in + i];
                }
                y[r * out + o] = sum;
            }
        }
        return y;
    }

    /** The rotation at position {@code row mod T}: adjacent pairs, or {@code (p, p + d/2)} when {@code neox}. */
    public static double[] rope(double[] x, int rows, int T, int heads, int hd, float[] invFrequencies, boolean neox) {
        double[] y = x.clone();
        for (int r = 0; r < rows; r++) {
            for (int h = 0; h < heads; h++) {
                for (int p = 0; p < invFrequencies.length; p++) {
                    double angle = (double) (r % T) * invFrequencies[p];
                    int a = (r * heads + h) * hd + (neox ? p : 2 * p);
                    int b = neox ? a + invFrequencies.length : a + 1;
                    double x0 = x[a];
                    double x1 = x[b];
                    y[a] = x0 * Math.cos(angle) - x1 * Math.sin(angle);
                    y[b] = x0 * Math.sin(angle) + x1 * Math.cos(angle);
                }
            }
        }
        return y;
    }

    public static double[] attention(double[] q, double[] k, double[] v, int B, int T, int heads, int kvHeads, int hd) {
        double[] out = new double[B * T * heads * hd];
        double scale = 1 / Math.sqrt(hd);
        for (int b = 0; b < B; b++) {
            for (int h = 0; h < heads; h++) {
                int g = h / (heads / kvHeads);
                for (int t = 0; t < T; t++) {
                    double[] scores = new double[t + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int i = 0; i <= t; i++) {
                        double s = 0;
                        for (int j = 0; j < hd; j++) {
                            s += q[((b * T + t) * heads + h) * hd + j] * k[((b * T + i) * kvHeads + g) * hd + j];
                        }
                        scores[i] = s * scale;
                        max = Math.max(max, scores[i]);
                    }
                    double sum = 0;
                    for (int i = 0; i <= t; i++) {
                        scores[i] = Math.exp(scores[i] - max);
                        sum += scores[i];
                    }
                    for (int i = 0; i <= t; i++) {
                        for (int j = 0; j < hd; j++) {
                            out[((b * T + t) * heads + h) * hd + j] += scores[i] / sum
                                    * v[((b * T + i) * kvHeads + g) * hd + j];
                        }
                    }
                }
            }
        }
        return out;
    }

    public static double[] swiGlu(double[] gate, double[] up) {
        double[] h = new double[gate.length];
        for (int i = 0; i < h.length; i++) {
            h[i] = gate[i] / (1 + Math.exp(-gate[i])) * up[i];
        }
        return h;
    }

    /** The summed cross-entropy over rows whose target is not negative. */
    public static double crossEntropy(double[] logits, int[] targets, int rows, int vocab) {
        double loss = 0;
        for (int r = 0; r < rows; r++) {
            if (targets[r] < 0) {
                continue;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < vocab; j++) {
                max = Math.max(max, logits[r * vocab + j]);
            }
            double sum = 0;
            for (int j = 0; j < vocab; j++) {
                sum += Math.exp(logits[r * vocab + j] - max);
            }
            loss += max + Math.log(sum) - logits[r * vocab + targets[r]];
        }
        return loss;
    }

    public static double[] toDouble(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    public static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
