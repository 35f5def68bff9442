package dev.hearth.train.nn;

import static dev.hearth.train.nn.GradientCheck.check;
import static dev.hearth.train.nn.GradientCheck.gaussian;
import static dev.hearth.train.nn.Reference64.dot;
import static dev.hearth.train.nn.Reference64.toDouble;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.compute.kernels.Kernels;
import dev.hearth.compute.kernels.ScalarKernels;
import dev.hearth.compute.kernels.WorkerPool;
import dev.hearth.compute.tensor.Tensor;
import dev.hearth.model.arch.transformer.Rope;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every layer's backward pass against finite differences of its double-precision forward pass
 * ({@link Reference64}), on small random shapes. Each check differentiates {@code L = Σ r ⊙ y} for
 * a random {@code r}, so the backward pass is given {@code dy = r}; each forward pass is also
 * compared with the reference's.
 */
class LayerGradientsTest {
    private static WorkerPool pool;
    private static Kernels kernels;
    private final Random random = new Random(2026);

    @BeforeAll
    static void start() {
        pool = new WorkerPool(2);
        kernels = Kernels.vectorized(pool);
    }

    @AfterAll
    static void stop() {
        pool.close();
    }

    @Test
    void rmsNorm() {
        int rows = 3;
        int n = 8;
        float eps = 1e-5f;
        float[] x = gaussian(random, rows * n, 1);
        float[] gain = gaussian(random, n + 2, 1); // from offset 2
        float[] r = gaussian(random, rows * n, 1);
        float[] y = new float[rows * n];
        float[] rstd = new float[rows];
        RmsNorm.forward(y, rstd, x, rows, n, gain, 2, eps);
        double[] g64 = java.util.Arrays.copyOfRange(toDouble(gain), 2, n + 2);
        assertClose(y, Reference64.rmsNorm(toDouble(x), rows, n, g64, eps));
        float[] dx = new float[rows * n];
        float[] dGain = new float[n + 2];
        RmsNorm.backward(dx, dGain, r, x, rstd, rows, n, gain, 2);
        double[] r64 = toDouble(r);
        check("rmsnorm x", xs -> dot(r64, Reference64.rmsNorm(xs, rows, n, g64, eps)), toDouble(x), dx, 0, null);
        check("rmsnorm gain", gs -> dot(r64, Reference64.rmsNorm(toDouble(x), rows, n, gs, eps)), g64, dGain, 2, null);
    }

    @Test
    void linearWithTheVectorAndTheScalarKernels() {
        for (Kernels k : new Kernels[] {kernels, new ScalarKernels()}) {
            int rows = 5;
            int in = 12;
            int out = 7;
            float[] x = gaussian(random, rows * in, 1);
            float[] w = gaussian(random, out * in, 0.5);
            float[] r = gaussian(random, rows * out, 1);
            Tensor wt = Tensor.ofFloats("w", w, in, out);
            float[] y = new float[rows * out];
            Linear.forward(k, y, x, wt, rows);
            assertClose(y, Reference64.linear(toDouble(x), rows, in, toDouble(w), out));
            float[] dx = new float[rows * in];
            float[] dw = new float[3 + out * in];
            Linear.backward(k, dx, dw, 3, r, x, wt, rows);
            double[] r64 = toDouble(r);
            check("linear x", xs -> dot(r64, Reference64.linear(xs, rows, in, toDouble(w), out)), toDouble(x), dx, 0,
                    null);
            check("linear w", ws -> dot(r64, Reference64.linear(toDouble(x), rows, in, ws, out)), toDouble(w), dw, 3,
                    null);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "neox pairs: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void rotary(boolean neox) {
        int T = 5;
        int rows = 2 * T;
        int heads = 3;
        int hd = 6;
        float[] inv = Rope.of(hd, 10000, 1f, null, false).invFrequencies();
        float[] x = gaussian(random, rows * heads * hd, 1);
        float[] r = gaussian(random, rows * heads * hd, 1);
        float[] y = x.clone();
        Rotary.forward(kernels, y, rows, T, heads, hd, inv, neox);
        assertClose(y, Reference64.rope(toDouble(x), rows, T, heads, hd, inv, neox));
        float[] dx = r.clone();
        Rotary.backward(kernels, dx, rows, T, heads, hd, inv, neox);
        double[] r64 = toDouble(r);
        check("rope x", xs -> dot(r64, Reference64.rope(xs, rows, T, heads, hd, inv, neox)), toDouble(x), dx, 0, null);
    }

    @Test
    void causalSelfAttentionWithGroupedQueryHeads() {
        int B = 2;
        int T = 5;
        int heads = 4;
        int kvHeads = 2;
        int hd = 4;
        float[] q = gaussian(random, B * T * heads * hd, 1);
        float[] k = gaussian(random, B * T * kvHeads * hd, 1);
        float[] v = gaussian(random, B * T * kvHeads * hd, 1);
        float[] r = gaussian(random, B * T * heads * hd, 1);
        CausalSelfAttention attention = new CausalSelfAttention(pool, kernels, B, T, heads, kvHeads, hd);
        float[] out = new float[q.length];
        attention.forward(out, q, k, v);
        assertClose(out, Reference64.attention(toDouble(q), toDouble(k), toDouble(v), B, T, heads, kvHeads, hd));
        float[] dq = new float[q.length];
        float[] dk = gaussian(random, k.length, 1); // overwritten, not added to
        float[] dv = gaussian(random, v.length, 1);
        attention.backward(dq, dk, dv, r, q, k, v);
        double[] r64 = toDouble(r);
        double[] q64 = toDouble(q);
        double[] k64 = toDouble(k);
        double[] v64 = toDouble(v);
        check("attention q", qs -> dot(r64, Reference64.attention(qs, k64, v64, B, T, heads, kvHeads, hd)), q64, dq, 0,
                null);
        check("attention k", ks -> dot(r64, Reference64.attention(q64, ks, v64, B, T, heads, kvHeads, hd)), k64, dk, 0,
                null);
        check("attention v", vs -> dot(r64, Reference64.attention(q64, k64, vs, B, T, heads, kvHeads, hd)), v64, dv, 0,
                null);
    }

    @Test
    void swiGlu() {
        int n = 40;
        float[] gate = gaussian(random, n, 2);
        float[] up = gaussian(random, n, 1);
        float[] r = gaussian(random, n, 1);
        float[] h = new float[n];
        SwiGlu.forward(h, gate, up, n);
        assertClose(h, Reference64.swiGlu(toDouble(gate), toDouble(up)));
        float[] dGate = new float[n];
        float[] dUp = new float[n];
        SwiGlu.backward(dGate, dUp, r, gate, up, n);
        double[] r64 = toDouble(r);
        check("swiglu gate", gs -> dot(r64, Reference64.swiGlu(gs, toDouble(up))), toDouble(gate), dGate, 0, null);
        check("swiglu up", us -> dot(r64, Reference64.swiGlu(toDouble(gate), us)), toDouble(up), dUp, 0, null);
    }

    @Test
    void crossEntropyIgnoringNegativeTargets() {
        int rows = 4;
        int vocab = 9;
        float[] logits = gaussian(random, rows * vocab, 3);
        int[] targets = {2, -1, 8, 0};
        CrossEntropy ce = new CrossEntropy(pool, kernels, rows);
        double[] l64 = toDouble(logits);
        float[] d = logits.clone();
        double loss = ce.forward(logits, targets, rows, vocab); // leaves probabilities in logits
        assertThat(loss).isCloseTo(Reference64.crossEntropy(l64, targets, rows, vocab),
                org.assertj.core.data.Offset.offset(1e-5));
        ce.backward(d, targets, rows, vocab, 0.5f);
        check("cross-entropy logits", ls -> 0.5 * Reference64.crossEntropy(ls, targets, rows, vocab), l64, d, 0, null);
    }

    @Test
    void embeddingSumsTheRowsOfRepeatedTokens() {
        int dim = 3;
        float[] table = gaussian(random, 1 + 4 * dim, 1);
        int[] tokens = {2, 0, 2};
        float[] out = new float[tokens.length * dim];
        Embedding.forward(out, tokens, tokens.length, table, 1, dim);
        assertThat(java.util.Arrays.copyOfRange(out, 0, dim)).containsExactly(table[7], table[8], table[9]);
        float[] dOut = gaussian(random, out.length, 1);
        float[] dTable = new float[table.length];
        Embedding.backward(dTable, 1, dOut, tokens, tokens.length, dim);
        assertThat(dTable[7]).isEqualTo(dOut[0] + dOut[6]);
        assertThat(dTable[1]).isEqualTo(dOut[3]);
        assertThat(dTable[4]).isZero(); // token 1 never seen
    }

    static void assertClose(float[] actual, double[] expected) {
        assertThat(actual).hasSize(expected.length);
        for (int i = 0; i < actual.length; i++) {
            assertThat((double) actual[i]).as("element %d", i)
                    .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-5 * Math.max(1, Math.abs(expected[i]))));
        }
    }
}
