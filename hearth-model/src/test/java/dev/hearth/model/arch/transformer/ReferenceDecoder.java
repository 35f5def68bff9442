package dev.hearth.model.arch.transformer;

import static dev.hearth.model.arch.transformer.DecoderWeights.blk;

/**
 * The decoder's forward pass written out again in plain double-precision Java from the equations,
 * over the synthetic model's generated weights: an oracle independent of {@link
 * dev.hearth.compute.kernels.Kernels}, the KV cache and the GGUF loader. Whole sequence at once,
 * causal attention recomputed for every position.
 */
final class ReferenceDecoder {
    private final SyntheticModel m;
    private final SyntheticModel.Spec s;
    private final double eps = 1e-6; // SyntheticModel's layer_norm_rms_epsilon

    ReferenceDecoder(SyntheticModel model) {
        this.m = model;
        this.s = model.spec;
    }

    /** {@code [tokens.length][vocab]} logits. */
    double[][] logits(int[] tokens) {
        int T = tokens.length;
        int dim = s.dim();
        int hd = s.headDim();
        double[][] x = new double[T][];
        float[] embedding = m.floats("token_embd.weight");
        for (int t = 0; t < T; t++) {
            x[t] = row(embedding, tokens[t], dim);
        }
        for (int l = 0; l < s.layers(); l++) {
            double[][] q = new double[T][];
            double[][] k = new double[T][];
            double[][] v = new double[T][];
            for (int t = 0; t < T; t++) {
                double[] xn = rmsNorm(x[t], m.floats(blk(l, "attn_norm.weight")));
                q[t] = project(blk(l, "attn_q"), xn, s.heads() * hd);
                k[t] = project(blk(l, "attn_k"), xn, s.kvHeads() * hd);
                v[t] = project(blk(l, "attn_v"), xn, s.kvHeads() * hd);
                if (s.qkNorm()) {
                    normEachHead(q[t], m.floats(blk(l, "attn_q_norm.weight")));
                    normEachHead(k[t], m.floats(blk(l, "attn_k_norm.weight")));
                }
                rope(q[t], t);
                rope(k[t], t);
            }
            int group = s.heads() / s.kvHeads();
            for (int t = 0; t < T; t++) {
                double[] att = new double[s.heads() * hd];
                for (int h = 0; h < s.heads(); h++) {
                    int g = h / group;
                    double[] w = new double[t + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int p = 0; p <= t; p++) {
                        double dot = 0;
                        for (int i = 0; i < hd; i++) {
                            dot += q[t][h * hd + i] * k[p][g * hd + i];
                        }
                        w[p] = dot / Math.sqrt(hd);
                        max = Math.max(max, w[p]);
                    }
                    double sum = 0;
                    for (int p = 0; p <= t; p++) {
                        w[p] = Math.exp(w[p] - max);
                        sum += w[p];
                    }
                    for (int p = 0; p <= t; p++) {
                        for (int i = 0; i < hd; i++) {
                            att[h * hd + i] += w[p] / sum * v[p][g * hd + i];
                        }
                    }
                }
                add(x[t], matVec(m.floats(blk(l, "attn_output.weight")), att, dim));
            }
            for (int t = 0; t < T; t++) {
                double[] xn = rmsNorm(x[t], m.floats(blk(l, "ffn_norm.weight")));
                double[] gate = matVec(m.floats(blk(l, "ffn_gate.weight")), xn, s.ffnDim());
                double[] up = matVec(m.floats(blk(l, "ffn_up.weight")), xn, s.ffnDim());
                for (int i = 0; i < gate.length; i++) {
                    gate[i] = gate[i] / (1 + Math.exp(-gate[i])) * up[i];
                }
                add(x[t], matVec(m.floats(blk(l, "ffn_down.weight")), gate, dim));
            }
        }
        float[] output = m.floats(s.tied() ? "token_embd.weight" : "output.weight");
        double[][] logits = new double[T][];
        for (int t = 0; t < T; t++) {
            logits[t] = matVec(output, rmsNorm(x[t], m.floats("output_norm.weight")), SyntheticModel.VOCAB);
        }
        return logits;
    }

    private double[] project(String prefix, double[] x, int rows) {
        double[] y = matVec(m.floats(prefix + ".weight"), x, rows);
        if (s.qkvBias()) {
            add(y, toDouble(m.floats(prefix + ".bias")));
        }
        return y;
    }

    /** Rotates each head's pairs by {@code position · theta^(-2k/headDim) / factor[k]}. */
    private void rope(double[] vec, int position) {
        int hd = s.headDim();
        float[] factors = s.ropeFactors() ? m.floats("rope_freqs.weight") : null;
        boolean neox = !s.arch().equals("llama");
        for (int base = 0; base < vec.length; base += hd) {
            for (int k = 0; k < hd / 2; k++) {
                double angle = position * Math.pow(s.ropeTheta(), -2.0 * k / hd) / (factors == null ? 1 : factors[k]);
                int a = neox ? base + k : base + 2 * k;
                int b = neox ? base + k + hd / 2 : base + 2 * k + 1;
                double x0 = vec[a];
                double x1 = vec[b];
                vec[a] = x0 * Math.cos(angle) - x1 * Math.sin(angle);
                vec[b] = x0 * Math.sin(angle) + x1 * Math.cos(angle);
            }
        }
    }

    private void normEachHead(double[] vec, float[] weight) {
        int hd = s.headDim();
        for (int base = 0; base < vec.length; base += hd) {
            double[] head = java.util.Arrays.copyOfRange(vec, base, base + hd);
            System.arraycopy(rmsNorm(head, weight), 0, vec, base, hd);
        }
    }

    private double[] rmsNorm(double[] x, float[] weight) {
        double ss = 0;
        for (double v : x) {
            ss += v * v;
        }
        double inv = 1 / Math.sqrt(ss / x.length + eps);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * inv * weight[i];
        }
        return out;
    }

    /** {@code W·x} for a row-major {@code [rows][x.length]} matrix. */
    private static double[] matVec(float[] w, double[] x, int rows) {
        double[] y = new double[rows];
        for (int i = 0; i < rows; i++) {
            double sum = 0;
            for (int j = 0; j < x.length; j++) {
                sum += w[i * x.length + j] * x[j];
            }
            y[i] = sum;
        }
        return y;
    }

    private static double[] row(float[] table, int r, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = table[r * n + i];
        }
        return out;
    }

    private static double[] toDouble(float[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    private static void add(double[] y, double[] x) {
        for (int i = 0; i < y.length; i++) {
            y[i] += x[i];
        }
    }
}
