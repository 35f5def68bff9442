package dev.hearth.train.llama;

import dev.hearth.compute.kernels.Kernels;
import dev.hearth.compute.kernels.WorkerPool;
import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.compute.tensor.Shape;
import dev.hearth.compute.tensor.Tensor;
import dev.hearth.model.arch.transformer.Rope;
import dev.hearth.train.llama.ParameterLayout.Block;
import dev.hearth.train.llama.ParameterLayout.Slot;
import dev.hearth.train.nn.CausalSelfAttention;
import dev.hearth.train.nn.CrossEntropy;
import dev.hearth.train.nn.Embedding;
import dev.hearth.train.nn.Linear;
import dev.hearth.train.nn.RmsNorm;
import dev.hearth.train.nn.Rotary;
import dev.hearth.train.nn.SwiGlu;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A Llama model in training: its parameters and gradients as flat arrays
 * ({@link ParameterLayout}), the activations of one step of {@code B} sequences of {@code T}
 * tokens, and the forward and backward passes over them.
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
 * step allocates nothing.
 */
public final class TrainableLlama {
    private final LlamaShape s;
    private final ParameterLayout layout;
    private final int B;
    private final int T;
    private final int N;
    private final Kernels kernels;
    private final float[] params;
    private final float[] grads;
    private final float[] invFrequencies;
    private final List<Tensor[]> blockWeights = new ArrayList<>(); // wq wk wv wo gate up down
    private final Tensor output;
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
    private final float[] logits;
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
    public TrainableLlama(LlamaShape shape, int batch, int seqLen, Kernels kernels, WorkerPool pool) {
        if (batch <= 0 || seqLen <= 0 || seqLen > shape.contextLength()) {
            throw new IllegalArgumentException("a step of " + batch + " sequences of " + seqLen
                    + " tokens; both must be positive and the length at most the context of " + shape.contextLength());
        }
        this.s = shape;
        this.layout = new ParameterLayout(shape);
        this.B = batch;
        this.T = seqLen;
        this.N = Math.multiplyExact(batch, seqLen);
        this.kernels = kernels;
        this.params = new float[layout.size()];
        this.grads = new float[layout.size()];
        this.invFrequencies = Rope.of(shape.headDim(), shape.ropeTheta(), 1f, null, false).invFrequencies();
        for (Block b : layout.blocks()) {
            blockWeights.add(new Tensor[] {view(b.wq()), view(b.wk()), view(b.wv()), view(b.wo()), view(b.gate()),
                    view(b.up()), view(b.down())});
        }
        this.output = view(layout.output());
        this.crossEntropy = new CrossEntropy(pool, N);
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
            attention[l] = new CausalSelfAttention(pool, batch, seqLen, shape.heads(), shape.kvHeads(), shape.headDim());
        }
        this.xnf = new float[N * dim];
        this.rstdf = new float[N];
        this.logits = new float[Math.multiplyExact(N, shape.vocabularySize())];
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

    private Tensor view(Slot slot) {
        MemorySegment all = MemorySegment.ofArray(params);
        return new Tensor(slot.name(), GgmlType.F32, Shape.of(slot.cols(), slot.rows()),
                all.asSlice(slot.offset() * Float.BYTES, (long) slot.size() * Float.BYTES));
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
            counted += targetIds[r] >= 0 ? 1 : 0;
        }
        System.arraycopy(tokens, 0, inputs, 0, N);
        System.arraycopy(targetIds, 0, targets, 0, N);
        int dim = s.dim();
        Embedding.forward(residual[0], inputs, N, params, layout.tokenEmbedding().offset(), dim);
        for (int l = 0; l < s.layers(); l++) {
            Block b = layout.blocks().get(l);
            Tensor[] w = blockWeights.get(l);
            float[] x = residual[l];
            // attention: mid = x + Wo · attention(rope(Wq·xn), rope(Wk·xn), Wv·xn), xn = norm(x)
            RmsNorm.forward(xn1[l], rstd1[l], x, N, dim, params, b.attentionNorm().offset(), s.rmsEps());
            Linear.forward(kernels, q[l], xn1[l], w[0], N);    // [N][heads·hd]
            Linear.forward(kernels, k[l], xn1[l], w[1], N);    // [N][kvHeads·hd]
            Linear.forward(kernels, v[l], xn1[l], w[2], N);    // [N][kvHeads·hd]
            Rotary.forward(kernels, q[l], N, T, s.heads(), s.headDim(), invFrequencies);
            Rotary.forward(kernels, k[l], N, T, s.kvHeads(), s.headDim(), invFrequencies);
            attention[l].forward(att[l], q[l], k[l], v[l]);   // [N][heads·hd]
            Linear.forward(kernels, projection, att[l], w[3], N);
            add(mid[l], x, projection, N * dim);
            // feed-forward: x' = mid + Wdown · (silu(Wgate·xn) ⊙ Wup·xn), xn = norm(mid)
            RmsNorm.forward(xn2[l], rstd2[l], mid[l], N, dim, params, b.ffnNorm().offset(), s.rmsEps());
            Linear.forward(kernels, gate[l], xn2[l], w[4], N); // [N][ffn]
            Linear.forward(kernels, up[l], xn2[l], w[5], N);   // [N][ffn]
            SwiGlu.forward(h[l], gate[l], up[l], N * s.ffnDim());
            Linear.forward(kernels, projection, h[l], w[6], N);
            add(residual[l + 1], mid[l], projection, N * dim);
        }
        RmsNorm.forward(xnf, rstdf, residual[s.layers()], N, dim, params, layout.outputNorm().offset(), s.rmsEps());
        Linear.forward(kernels, logits, xnf, output, N);       // [N][vocab]
        double sum = crossEntropy.forward(logits, targets, N, vocab);
        return counted == 0 ? Double.NaN : sum / counted;
    }

    /**
     * Adds {@code lossScale ·} the gradient of the last {@link #forward}'s mean loss into
     * {@link #gradients()} ({@code lossScale = 1/k} when accumulating k micro-steps). Consumes the
     * logits.
     */
    public void backward(float lossScale) {
        int dim = s.dim();
        if (counted == 0) {
            return;
        }
        crossEntropy.backward(logits, targets, N, s.vocabularySize(), lossScale / counted); // logits := dlogits
        Arrays.fill(dxn, 0f);
        Linear.backward(kernels, dxn, grads, layout.output().offset(), logits, xnf, output, N);
        Arrays.fill(dres, 0f);
        RmsNorm.backward(dres, grads, dxn, residual[s.layers()], rstdf, N, dim, params, layout.outputNorm().offset());
        for (int l = s.layers() - 1; l >= 0; l--) {
            Block b = layout.blocks().get(l);
            Tensor[] w = blockWeights.get(l);
            // feed-forward: dres is d(x'); it flows to mid unchanged and through the network
            Arrays.fill(dh, 0f);
            Linear.backward(kernels, dh, grads, b.down().offset(), dres, h[l], w[6], N);
            SwiGlu.backward(dgate, dup, dh, gate[l], up[l], N * s.ffnDim());
            Arrays.fill(dxn, 0f);
            Linear.backward(kernels, dxn, grads, b.gate().offset(), dgate, xn2[l], w[4], N);
            Linear.backward(kernels, dxn, grads, b.up().offset(), dup, xn2[l], w[5], N);
            RmsNorm.backward(dres, grads, dxn, mid[l], rstd2[l], N, dim, params, b.ffnNorm().offset());
            // attention: dres is now d(mid); it flows to x unchanged and through attention
            Arrays.fill(datt, 0f);
            Linear.backward(kernels, datt, grads, b.wo().offset(), dres, att[l], w[3], N);
            attention[l].backward(dq, dk, dv, datt, q[l], k[l], v[l]);
            Rotary.backward(kernels, dq, N, T, s.heads(), s.headDim(), invFrequencies);
            Rotary.backward(kernels, dk, N, T, s.kvHeads(), s.headDim(), invFrequencies);
            Arrays.fill(dxn, 0f);
            Linear.backward(kernels, dxn, grads, b.wq().offset(), dq, xn1[l], w[0], N);
            Linear.backward(kernels, dxn, grads, b.wk().offset(), dk, xn1[l], w[1], N);
            Linear.backward(kernels, dxn, grads, b.wv().offset(), dv, xn1[l], w[2], N);
            RmsNorm.backward(dres, grads, dxn, residual[l], rstd1[l], N, dim, params, b.attentionNorm().offset());
        }
        Embedding.backward(grads, layout.tokenEmbedding().offset(), dres, inputs, N, dim);
        counted = 0;
    }

    private static void add(float[] out, float[] a, float[] b, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = a[i] + b[i];
        }
    }

    public LlamaShape shape() {
        return s;
    }

    public ParameterLayout layout() {
        return layout;
    }

    /** The parameters, laid out as {@link #layout()} says; written by the optimizer and by loading. */
    public float[] parameters() {
        return params;
    }

    /** The accumulated gradients, at the parameters' offsets. */
    public float[] gradients() {
        return grads;
    }

    public void zeroGradients() {
        Arrays.fill(grads, 0f);
    }

    /** The logits {@code [B·T][vocab]} of the last forward pass (overwritten by the backward pass). */
    public float[] logits() {
        return logits;
    }

    /** How many targets the last forward pass counted. */
    public int countedTargets() {
        return counted;
    }

    public int batch() {
        return B;
    }

    public int seqLen() {
        return T;
    }
}
