package dev.hearth.compute.kernels;

import dev.hearth.compute.tensor.Tensor;
import java.util.List;

/**
 * The reference kernels: plain loops, one thread, float arithmetic in the obvious order. Every
 * faster {@link Kernels} is tested against this class; it is also what a reader checks the maths
 * of the models against. Stateless; usable from any number of threads.
 */
public final class ScalarKernels implements Kernels {

    @Override
    public void matMul(Tensor w, float[] x, int xOffset, float[] y, int yOffset, int tokens) {
        matMul(w, w.rows(), x, xOffset, y, yOffset, tokens);
    }

    @Override
    public void matMul(Tensor w, int rowsUsed, float[] x, int xOffset, float[] y, int yOffset, int tokens) {
        int rows = rowsUsed;
        int cols = w.cols();
        float[] row = new float[cols];
        for (int i = 0; i < rows; i++) {
            w.dequantizeRow(i, row, 0);
            for (int t = 0; t < tokens; t++) {
                y[yOffset + t * rows + i] = dot(row, 0, x, xOffset + t * cols, cols);
            }
        }
    }

    @Override
    public void matMulBackwardInput(Tensor w, float[] dy, int dyOffset, float[] dx, int dxOffset, int tokens) {
        int rows = w.rows();
        int cols = w.cols();
        float[] row = new float[cols];
        for (int i = 0; i < rows; i++) {
            w.dequantizeRow(i, row, 0);
            for (int t = 0; t < tokens; t++) {
                float g = dy[dyOffset + t * rows + i];
                for (int j = 0; j < cols; j++) {
                    dx[dxOffset + t * cols + j] += g * row[j];
                }
            }
        }
    }

    @Override
    public void matMulBackwardWeights(float[] dy, int dyOffset, float[] x, int xOffset, float[] dw, int dwOffset,
            int rows, int cols, int tokens) {
        for (int t = 0; t < tokens; t++) {
            for (int i = 0; i < rows; i++) {
                float g = dy[dyOffset + t * rows + i];
                for (int j = 0; j < cols; j++) {
                    dw[dwOffset + i * cols + j] += g * x[xOffset + t * cols + j];
                }
            }
        }
    }

    @Override
    public void vecMat(float[] p, int pOffset, Tensor w, int rowsUsed, float[] y, int yOffset) {
        int cols = w.cols();
        float[] row = new float[cols];
        java.util.Arrays.fill(y, yOffset, yOffset + cols, 0f);
        for (int i = 0; i < rowsUsed; i++) {
            w.dequantizeRow(i, row, 0);
            float pi = p[pOffset + i];
            for (int j = 0; j < cols; j++) {
                y[yOffset + j] += pi * row[j];
            }
        }
    }

    @Override
    public void attention(float[] q, int qOffset, int tokens, int heads, int kvHeads, List<Tensor> keys,
            List<Tensor> values, int start, float scale, float[] out, int outOffset) {
        attention(q, qOffset, tokens, heads, kvHeads, keys, values, start, true, scale, out, outOffset);
    }

    @Override
    public void bidirectionalAttention(float[] q, int qOffset, int tokens, int heads, int kvHeads, List<Tensor> keys,
            List<Tensor> values, float scale, float[] out, int outOffset) {
        attention(q, qOffset, tokens, heads, kvHeads, keys, values, 0, false, scale, out, outOffset);
    }

    /** Causal: token {@code t} sees positions {@code 0 .. start+t}; otherwise every token sees all {@code start+tokens}. */
    private void attention(float[] q, int qOffset, int tokens, int heads, int kvHeads, List<Tensor> keys,
            List<Tensor> values, int start, boolean causal, float scale, float[] out, int outOffset) {
        int headDim = keys.getFirst().cols();
        int valueDim = values.getFirst().cols();
        int blockRows = keys.getFirst().rows();
        int group = heads / kvHeads;
        float[] key = new float[headDim];
        float[] value = new float[valueDim];
        float[] scores = new float[start + tokens];
        for (int t = 0; t < tokens; t++) {
            int visible = causal ? start + t + 1 : start + tokens; // positions 0 .. visible−1
            for (int h = 0; h < heads; h++) {
                int g = h / group;
                int qAt = qOffset + (t * heads + h) * headDim;
                for (int i = 0; i < visible; i++) {
                    keys.get(i / blockRows * kvHeads + g).dequantizeRow(i % blockRows, key, 0);
                    scores[i] = dot(key, 0, q, qAt, headDim) * scale;
                }
                softmax(scores, 0, visible);
                int outAt = outOffset + (t * heads + h) * valueDim;
                java.util.Arrays.fill(out, outAt, outAt + valueDim, 0f);
                for (int i = 0; i < visible; i++) {
                    values.get(i / blockRows * kvHeads + g).dequantizeRow(i % blockRows, value, 0);
                    for (int j = 0; j < valueDim; j++) {
                        out[outAt + j] += scores[i] * value[j];
                    }
                }
            }
        }
    }

    @Override
    public void rmsNorm(float[] out, int outOffset, float[] x, int xOffset, float[] weight, float eps, int n) {
        float sumSquares = 0f;
        for (int i = 0; i < n; i++) {
            float v = x[xOffset + i];
            sumSquares += v * v;
        }
        // float arithmetic throughout, as llama2.c and ggml compute it
        float inverseRms = 1f / (float) Math.sqrt(sumSquares / n + eps);
        for (int i = 0; i < n; i++) {
            out[outOffset + i] = weight[i] * (inverseRms * x[xOffset + i]);
        }
    }

    @Override
    public void layerNorm(float[] out, int outOffset, float[] x, int xOffset, float[] weight, float[] bias, float eps, int n) {
        float mean = 0f;
        for (int i = 0; i < n; i++) {
            mean += x[xOffset + i];
        }
        mean /= n;
        float variance = 0f;
        for (int i = 0; i < n; i++) {
            float d = x[xOffset + i] - mean;
            variance += d * d;
        }
        variance /= n;
        float inverseStd = 1f / (float) Math.sqrt(variance + eps);
        for (int i = 0; i < n; i++) {
            out[outOffset + i] = (x[xOffset + i] - mean) * inverseStd * weight[i] + bias[i];
        }
    }

    @Override
    public void softmax(float[] x, int offset, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[offset + i]);
        }
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(x[offset + i] - max);
            x[offset + i] = e;
            sum += e;
        }
        for (int i = 0; i < n; i++) {
            x[offset + i] /= sum;
        }
    }

    @Override
    public void rope(float[] x, int offset, int heads, int headDim, int position, float[] invFrequencies, boolean neox) {
        int pairs = invFrequencies.length;
        for (int h = 0; h < heads; h++) {
            int base = offset + h * headDim;
            for (int k = 0; k < pairs; k++) {
                float angle = position * invFrequencies[k];
                float cos = (float) Math.cos(angle);
                float sin = (float) Math.sin(angle);
                int a = neox ? base + k : base + 2 * k;
                int b = neox ? base + k + pairs : base + 2 * k + 1;
                float x0 = x[a];
                float x1 = x[b];
                x[a] = x0 * cos - x1 * sin;
                x[b] = x0 * sin + x1 * cos;
            }
        }
    }

    @Override
    public void swiGlu(float[] gate, int gateOffset, float[] up, int upOffset, int n) {
        for (int i = 0; i < n; i++) {
            float g = gate[gateOffset + i];
            gate[gateOffset + i] = g / (1f + (float) Math.exp(-g)) * up[upOffset + i];
        }
    }

    @Override
    public void gelu(float[] x, int offset, int n) {
        final float sqrt2OverPi = 0.7978845608028654f;
        for (int i = 0; i < n; i++) {
            float v = x[offset + i];
            x[offset + i] = 0.5f * v * (1f + (float) Math.tanh(sqrt2OverPi * v * (1f + 0.044715f * v * v)));
        }
    }

    @Override
    public void geluErf(float[] x, int offset, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[offset + i];
            x[offset + i] = 0.5f * v * (1f + erf(v * INVERSE_SQRT2));
        }
    }

    static final float INVERSE_SQRT2 = 0.70710678118654752f;
    // Abramowitz and Stegun 7.1.26: erf(z) = 1 − t·(a1 + t·(a2 + … + t·a5))·e^(−z²), t = 1/(1 + p·z)
    static final float ERF_P = 0.3275911f;
    static final float ERF_A1 = 0.254829592f;
    static final float ERF_A2 = -0.284496736f;
    static final float ERF_A3 = 1.421413741f;
    static final float ERF_A4 = -1.453152027f;
    static final float ERF_A5 = 1.061405429f;

    /** {@code erf(z)}, odd: computed for {@code |z|} and the sign put back. */
    static float erf(float z) {
        float a = Math.abs(z);
        float t = 1f / (1f + ERF_P * a);
        float poly = t * (ERF_A1 + t * (ERF_A2 + t * (ERF_A3 + t * (ERF_A4 + t * ERF_A5))));
        float y = 1f - poly * (float) Math.exp(-a * a);
        return Math.copySign(y, z);
    }

    @Override
    public void addScaled(float[] y, int yOffset, float a, float[] x, int xOffset, int n) {
        for (int i = 0; i < n; i++) {
            y[yOffset + i] = Math.fma(a, x[xOffset + i], y[yOffset + i]);
        }
    }

    @Override
    public void add(float[] y, int yOffset, float[] x, int xOffset, int n) {
        for (int i = 0; i < n; i++) {
            y[yOffset + i] += x[xOffset + i];
        }
    }

    @Override
    public void scale(float[] y, int offset, float factor, int n) {
        for (int i = 0; i < n; i++) {
            y[offset + i] *= factor;
        }
    }

    @Override
    public float dot(float[] a, int aOffset, float[] b, int bOffset, int n) {
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            sum += a[aOffset + i] * b[bOffset + i];
        }
        return sum;
    }
}
