package dev.hearth.train.llama;

import dev.hearth.compute.kernels.Kernels;
import dev.hearth.compute.kernels.WorkerPool;
import dev.hearth.train.llama.LlamaWeights.Block;
import dev.hearth.train.nn.CausalSelfAttention;
import dev.hearth.train.nn.CrossEntropy;
import dev.hearth.train.nn.RmsNorm;
import dev.hearth.train.nn.Rotary;
import dev.hearth.train.nn.SwiGlu;
import java.util.Arrays;

/**
 * A Llama-family model in training: the activations of one step of {@code B} sequences of
 * {@code T} tokens, and the forward and backward passes over them. What is trained is up to the
 * {@link LlamaWeights}: every parameter in pretraining ({@link LlamaParameters}), only low-rank
 * adapters beside frozen weights in fine-tuning.
 *
 * <pre>
 * x = embed(tokens)                                          [N = B·T][dim]
 * for each layer:
 *     mid = x + Wo · attention(rope(Wq·norm(x)), rope(Wk·norm(x)), Wv·norm(x))
 *     x   = mid + Wdown · (silu(Wgate·norm(mid)) ⊙ Wup·norm(mid))
 * logits = Wout · norm(x)                                    [N][vocab]
 * loss = mean cross-entropy(logits, targets)
 * </pre>
 *
 * The backward pass walks the same lines bottom to top. All buffers are allocated here, once: a
 * step allocates nothing. The logits are never held for all rows: only rows whose target counts
 * are classified, a chunk of rows at a time (a 150k-token vocabulary makes {@code [N][vocab]}
 * gigabytes), and the backward pass computes each chunk's logits again.
 */
public final class TrainableLlama {
    /** Logits computed at once: 16M floats (64 MiB), whatever the vocabulary. */
    private static final long CLASSIFIER_FLOATS = 1L << 24;
    private final LlamaShape s;
    private final LlamaWeights w;
    private final int B;
    private final int T;
    private final int N;
    private final Kernels kernels;
    private final CrossEntropy crossEntropy;
    // activations kept for the backward pass
    private final int[] inputs;
    private final int[] targets;
    private final float[][] residual; // [layers + 1][N·dim]: each layer's input, then the final stream
    private final float[][] mid;      // [layers][N·dim]: after each layer's attention
    private final float[][] xn1;
    private final float[][] rstd1;
    private final float[][] q;
    private final float[][] k;
    private final float[][] v;
    private final float[][] att;
    private final float[][] xn2;
    private final float[][] rstd2;
    private final float[][] gate;
    private final float[][] up;
    private final float[][] h;
    private final CausalSelfAttention[] attention;
    private final float[] xnf;
    private final float[] rstdf;
    private final int chunkRows;      // rows classified at once
    private final int[] countedRows;  // the rows whose target counts, in order
    private final int[] chunkTargets;
    private final float[] chunkInput; // [chunkRows][dim]: norm(x) of the chunk's rows
    private final float[] chunkGrad;  // [chunkRows][dim]
    private final float[] logits;     // [chunkRows][vocab]
    // backward temporaries, shared by the layers
    private final float[] dres;
    private final float[] dxn;
    private final float[] dq;
    private final float[] dk;
    private final float[] dv;
    private final float[] datt;
    private final float[] dgate;
    private final float[] dup;
    private final float[] dh;
    private final float[] projection;
    private int counted;

    /**
     * @param batch sequences per step ({@code B})
     * @param seqLen tokens per sequence ({@code T}), at most the context length
     */
    public TrainableLlama(LlamaShape shape, LlamaWeights weights, int batch, int seqLen, Kernels kernels,
            WorkerPool pool) {
        this(shape, weights, batch, seqLen, kernels, pool, CLASSIFIER_FLOATS);
    }

    /** @param classifierFloats how many logits to compute at once (tests make it small to cut rows into chunks) */
    TrainableLlama(LlamaShape shape, LlamaWeights weights, int batch, int seqLen, Kernels kernels, WorkerPool pool,
            long classifierFloats) {
        if (batch <= 0 || seqLen <= 0 || seqLen > shape.contextLength()) {
            throw new IllegalArgumentException("a step of " + batch + " sequences of " + seqLen
                    + " tokens; both must be positive and the length at most the context of " + shape.contextLength());
        }
        this.s = shape;
        this.w = weights;
        this.B = batch;
        this.T = seqLen;
        this.N = Math.multiplyExact(batch, seqLen);
        this.kernels = kernels;
        this.chunkRows = (int) Math.max(1, Math.min(N, classifierFloats / shape.vocabularySize()));
        this.crossEntropy = new CrossEntropy(pool, kernels, chunkRows);
        int L = shape.layers();
        int dim = shape.dim();
        int kv = shape.kvDim();
        int ffn = shape.ffnDim();
        this.inputs = new int[N];
        this.targets = new int[N];
        this.residual = new float[L + 1][N * dim];
        this.mid = new float[L][N * dim];
        this.xn1 = new float[L][N * dim];
        this.rstd1 = new float[L][N];
        this.q = new float[L][N * dim];
        this.k = new float[L][N * kv];
        this.v = new float[L][N * kv];
        this.att = new float[L][N * dim];
        this.xn2 = new float[L][N * dim];
        this.rstd2 = new float[L][N];
        this.gate = new float[L][N * ffn];
        this.up = new float[L][N * ffn];
        this.h = new float[L][N * ffn];
        this.attention = new CausalSelfAttention[L];
        for (int l = 0; l < L; l++) {
            attention[l] = new CausalSelfAttention(pool, kernels, batch, seqLen, shape.heads(), shape.kvHeads(), shape.headDim());
        }
        this.xnf = new float[N * dim];
        this.rstdf = new float[N];
        this.countedRows = new int[N];
        this.chunkTargets = new int[chunkRows];
        this.chunkInput = new float[chunkRows * dim];
        this.chunkGrad = new float[chunkRows * dim];
        this.logits = new float[Math.multiplyExact(chunkRows, shape.vocabularySize())];
        this.dres = new float[N * dim];
        this.dxn = new float[N * dim];
        this.dq = new float[N * dim];
        this.dk = new float[N * kv];
        this.dv = new float[N * kv];
        this.datt = new float[N * dim];
        this.dgate = new float[N * ffn];
        this.dup = new float[N * ffn];
        this.dh = new float[N * ffn];
        this.projection = new float[N * dim];
    }

    /**
     * Runs {@code tokens[B·T]} through the model and returns the mean cross-entropy against
     * {@code targets[B·T]} (ids; below 0 for positions that do not count), or NaN when none counts.
     * Leaves the logits readable through {@link #logits()} until {@link #backward}.
     */
    public double forward(int[] tokens, int[] targetIds) {
        if (tokens.length != N || targetIds.length != N) {
            throw new IllegalArgumentException("a step takes " + N + " tokens and targets (" + B + " × " + T
                    + "), got " + tokens.length + " and " + targetIds.length);
        }
        int vocab = s.vocabularySize();
        counted = 0;
        for (int r = 0; r < N; r++) {
            if (tokens[r] < 0 || tokens[r] >= vocab || targetIds[r] >= vocab) {
                throw new IllegalArgumentException("token " + tokens[r] + " or target " + targetIds[r] + " at row " + r
                        + " is outside the vocabulary of " + vocab);
            }
            if (targetIds[r] >= 0) {
                countedRows[counted++] = r;
            }
        }
        System.arraycopy(tokens, 0, inputs, 0, N);
        System.arraycopy(targetIds, 0, targets, 0, N);
        int dim = s.dim();
        float[] inv = w.invFrequencies();
        w.embedding().forward(residual[0], inputs, N, dim);
        for (int l = 0; l < s.layers(); l++) {
            Block b = w.blocks().get(l);
            float[] x = residual[l];
            // attention: mid = x + Wo · attention(rope(Wq·xn), rope(Wk·xn), Wv·xn), xn = norm(x)
            norm(xn1[l], rstd1[l], x, b.attentionNorm());
            b.wq().forward(kernels, q[l], xn1[l], N);    // [N][heads·hd]
            b.wk().forward(kernels, k[l], xn1[l], N);    // [N][kvHeads·hd]
            b.wv().forward(kernels, v[l], xn1[l], N);    // [N][kvHeads·hd]
            Rotary.forward(kernels, q[l], N, T, s.heads(), s.headDim(), inv, w.neoxRope());
            Rotary.forward(kernels, k[l], N, T, s.kvHeads(), s.headDim(), inv, w.neoxRope());
            attention[l].forward(att[l], q[l], k[l], v[l]);   // [N][heads·hd]
            b.wo().forward(kernels, projection, att[l], N);
            add(mid[l], x, projection, N * dim);
            // feed-forward: x' = mid + Wdown · (silu(Wgate·xn) ⊙ Wup·xn), xn = norm(mid)
            norm(xn2[l], rstd2[l], mid[l], b.ffnNorm());
            b.gate().forward(kernels, gate[l], xn2[l], N); // [N][ffn]
            b.up().forward(kernels, up[l], xn2[l], N);     // [N][ffn]
            SwiGlu.forward(h[l], gate[l], up[l], N * s.ffnDim());
            b.down().forward(kernels, projection, h[l], N);
            add(residual[l + 1], mid[l], projection, N * dim);
        }
        norm(xnf, rstdf, residual[s.layers()], w.outputNorm());
        double sum = 0;
        for (int from = 0; from < counted; from += chunkRows) {
            int n = classify(from);                           // logits [n][vocab]
            sum += crossEntropy.forward(logits, chunkTargets, n, vocab);
        }
        return counted == 0 ? Double.NaN : sum / counted;
    }

    /** Logits of counted rows {@code from ..} (at most a chunk) into {@link #logits}; returns how many rows. */
    private int classify(int from) {
        int n = Math.min(chunkRows, counted - from);
        int dim = s.dim();
        for (int i = 0; i < n; i++) {
            int row = countedRows[from + i];
            System.arraycopy(xnf, row * dim, chunkInput, i * dim, dim);
            chunkTargets[i] = targets[row];
        }
        w.output().forward(kernels, logits, chunkInput, n);
        return n;
    }

    /**
     * Adds {@code lossScale ·} the gradient of the last {@link #forward}'s mean loss into the
     * weights' gradient arrays ({@code lossScale = 1/k} when accumulating k micro-steps). Consumes
     * the logits.
     */
    public void backward(float lossScale) {
        if (counted == 0) {
            return;
        }
        int dim = s.dim();
        Arrays.fill(dxn, 0f);
        for (int from = 0; from < counted; from += chunkRows) {
            int n = classify(from);
            crossEntropy.backward(logits, chunkTargets, n, s.vocabularySize(), lossScale / counted); // := dlogits
            Arrays.fill(chunkGrad, 0, n * dim, 0f);
            w.output().backward(kernels, chunkGrad, logits, chunkInput, n);
            for (int i = 0; i < n; i++) {
                int row = countedRows[from + i];
                for (int j = 0; j < dim; j++) {
                    dxn[row * dim + j] += chunkGrad[i * dim + j];
                }
            }
        }
        Arrays.fill(dres, 0f);
        normBackward(dres, dxn, residual[s.layers()], rstdf, w.outputNorm());
        float[] inv = w.invFrequencies();
        for (int l = s.layers() - 1; l >= 0; l--) {
            Block b = w.blocks().get(l);
            // feed-forward: dres is d(x'); it flows to mid unchanged and through the network
            Arrays.fill(dh, 0f);
            b.down().backward(kernels, dh, dres, h[l], N);
            SwiGlu.backward(dgate, dup, dh, gate[l], up[l], N * s.ffnDim());
            Arrays.fill(dxn, 0f);
            b.gate().backward(kernels, dxn, dgate, xn2[l], N);
            b.up().backward(kernels, dxn, dup, xn2[l], N);
            normBackward(dres, dxn, mid[l], rstd2[l], b.ffnNorm());
            // attention: dres is now d(mid); it flows to x unchanged and through attention
            Arrays.fill(datt, 0f);
            b.wo().backward(kernels, datt, dres, att[l], N);
            attention[l].backward(dq, dk, dv, datt, q[l], k[l], v[l]);
            Rotary.backward(kernels, dq, N, T, s.heads(), s.headDim(), inv, w.neoxRope());
            Rotary.backward(kernels, dk, N, T, s.kvHeads(), s.headDim(), inv, w.neoxRope());
            Arrays.fill(dxn, 0f);
            b.wq().backward(kernels, dxn, dq, xn1[l], N);
            b.wk().backward(kernels, dxn, dk, xn1[l], N);
            b.wv().backward(kernels, dxn, dv, xn1[l], N);
            normBackward(dres, dxn, residual[l], rstd1[l], b.attentionNorm());
        }
        w.embedding().backward(dres, inputs, N, s.dim());
        counted = 0;
    }

    private void norm(float[] out, float[] rstd, float[] x, Gain gain) {
        RmsNorm.forward(out, rstd, x, N, s.dim(), gain.values(), gain.offset(), s.rmsEps());
    }

    private void normBackward(float[] dx, float[] dOut, float[] x, float[] rstd, Gain gain) {
        RmsNorm.backward(dx, gain.gradients(), dOut, x, rstd, N, s.dim(), gain.values(), gain.offset());
    }

    private static void add(float[] out, float[] a, float[] b, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = a[i] + b[i];
        }
    }

    public LlamaShape shape() {
        return s;
    }

    /**
     * The logits of row {@code row} ({@code b·T + t}) after the last forward pass, into
     * {@code out[vocab]}: what an inference engine gives for that position.
     */
    public void logits(int row, float[] out) {
        System.arraycopy(xnf, row * s.dim(), chunkInput, 0, s.dim());
        w.output().forward(kernels, out, chunkInput, 1);
    }
}
