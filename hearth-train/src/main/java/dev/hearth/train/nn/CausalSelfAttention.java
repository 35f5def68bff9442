package dev.hearth.train.nn;

import dev.hearth.compute.kernels.Kernels;
import dev.hearth.compute.kernels.WorkerPool;
import java.util.Arrays;

/**
 * Causal multi-head self-attention with grouped-query heads over {@code B} sequences of {@code T}
 * tokens, from rotated queries {@code q[B·T][heads·hd]}, keys and values {@code [B·T][kvHeads·hd]}:
 *
 * <pre>
 * p[b,h,t,i] = softmax_i≤t(scale · q[b,t,h] · k[b,i,g])     g = h / (heads / kvHeads)
 * out[b,t,h] = Σ_i p[b,h,t,i] · v[b,i,g]
 * </pre>
 *
 * The forward pass keeps the probabilities ({@code B·heads·T·T} floats) for the backward pass.
 * Work is split by (sequence, KV head): the query heads that share a KV head run on one thread,
 * so their key and value gradients sum in a fixed order. Each task first copies its KV head's
 * keys (values in the backward pass) transposed, {@code [hd][T]}, so that a query's scores are
 * {@code hd} multiply-adds into a contiguous row of positions, which the JIT vectorizes, rather
 * than one short dot product per position. Every multiply-add over a row is
 * {@link Kernels#addScaled} (the JIT leaves such loops scalar when it cannot prove that the
 * arrays differ).
 */
public final class CausalSelfAttention {
    private final WorkerPool pool;
    private final Kernels kernels;
    private final int B;
    private final int T;
    private final int heads;
    private final int kvHeads;
    private final int hd;
    private final float scale;
    private final float[] probs;
    private final ThreadLocal<float[]> rows;       // per thread: a row of T floats
    private final ThreadLocal<float[]> transposed; // per thread: a KV head's keys or values, [hd][T]
    private final WorkerPool.Range forwardTask = this::forwardRange;
    private final WorkerPool.Range backwardTask = this::backwardRange;
    // the arrays of the pass in flight
    private float[] q;
    private float[] k;
    private float[] v;
    private float[] out;
    private float[] dq;
    private float[] dk;
    private float[] dv;

    /** @param kernels for the rows' multiply-adds (called from the pool's threads: they must not use the pool) */
    public CausalSelfAttention(WorkerPool pool, Kernels kernels, int batch, int seqLen, int heads, int kvHeads,
            int headDim) {
        this.pool = pool;
        this.kernels = kernels;
        this.B = batch;
        this.T = seqLen;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.hd = headDim;
        this.scale = (float) (1.0 / Math.sqrt(headDim));
        this.probs = new float[Math.multiplyExact(Math.multiplyExact(batch, heads), Math.multiplyExact(seqLen, seqLen))];
        this.rows = ThreadLocal.withInitial(() -> new float[seqLen]);
        this.transposed = ThreadLocal.withInitial(() -> new float[headDim * seqLen]);
    }

    /** Fills {@code out[B·T][heads·hd]}, keeping the probabilities. */
    public void forward(float[] out, float[] q, float[] k, float[] v) {
        this.q = q;
        this.k = k;
        this.v = v;
        this.out = out;
        try {
            pool.forRanges(B * kvHeads, 1, forwardTask);
        } finally {
            this.q = this.k = this.v = this.out = null;
        }
    }

    /**
     * From {@code dOut}, overwrites {@code dq}, {@code dk} and {@code dv} (attention is their only
     * consumer); needs the forward pass's inputs.
     */
    public void backward(float[] dq, float[] dk, float[] dv, float[] dOut, float[] q, float[] k, float[] v) {
        this.q = q;
        this.k = k;
        this.v = v;
        this.out = dOut;
        this.dq = dq;
        this.dk = dk;
        this.dv = dv;
        try {
            pool.forRanges(B * kvHeads, 1, backwardTask);
        } finally {
            this.q = this.k = this.v = this.out = this.dq = this.dk = this.dv = null;
        }
    }

    private void forwardRange(int from, int to) {
        int qWidth = heads * hd;
        int kvWidth = kvHeads * hd;
        int group = heads / kvHeads;
        float[] kt = transposed.get();
        for (int task = from; task < to; task++) {
            int b = task / kvHeads;
            int g = task % kvHeads;
            transpose(k, b, g, kt);
            for (int h = g * group; h < (g + 1) * group; h++) {
                for (int t = 0; t < T; t++) {
                    int qAt = (b * T + t) * qWidth + h * hd;
                    int pAt = ((b * heads + h) * T + t) * T;
                    // scores[0..t] = Σ_j (scale·q_j) · K[j][0..t]
                    Arrays.fill(probs, pAt, pAt + t + 1, 0f);
                    for (int j = 0; j < hd; j++) {
                        kernels.addScaled(probs, pAt, q[qAt + j] * scale, kt, j * T, t + 1);
                    }
                    float max = Float.NEGATIVE_INFINITY;
                    for (int i = 0; i <= t; i++) {
                        max = Math.max(max, probs[pAt + i]);
                    }
                    float sum = 0f;
                    for (int i = 0; i <= t; i++) {
                        float e = (float) Math.exp(probs[pAt + i] - max);
                        probs[pAt + i] = e;
                        sum += e;
                    }
                    float inverse = 1f / sum;
                    Arrays.fill(out, qAt, qAt + hd, 0f);
                    for (int i = 0; i <= t; i++) {
                        float p = probs[pAt + i] * inverse;
                        probs[pAt + i] = p;
                        kernels.addScaled(out, qAt, p, v, (b * T + i) * kvWidth + g * hd, hd);
                    }
                    Arrays.fill(probs, pAt + t + 1, pAt + T, 0f);
                }
            }
        }
    }

    private void backwardRange(int from, int to) {
        int qWidth = heads * hd;
        int kvWidth = kvHeads * hd;
        int group = heads / kvHeads;
        float[] dp = rows.get();
        float[] vt = transposed.get();
        float[] dOut = out;
        for (int task = from; task < to; task++) {
            int b = task / kvHeads;
            int g = task % kvHeads;
            transpose(v, b, g, vt);
            for (int i = 0; i < T; i++) { // this thread alone writes KV head g of sequence b
                int kvAt = (b * T + i) * kvWidth + g * hd;
                Arrays.fill(dk, kvAt, kvAt + hd, 0f);
                Arrays.fill(dv, kvAt, kvAt + hd, 0f);
            }
            for (int h = g * group; h < (g + 1) * group; h++) {
                for (int t = 0; t < T; t++) {
                    int qAt = (b * T + t) * qWidth + h * hd;
                    int pAt = ((b * heads + h) * T + t) * T;
                    // dp[0..t] = Σ_j dOut_j · V[j][0..t]; dv_i += p_i dOut; Σ p_i dp_i for the softmax's backward
                    Arrays.fill(dp, 0, t + 1, 0f);
                    for (int j = 0; j < hd; j++) {
                        kernels.addScaled(dp, 0, dOut[qAt + j], vt, j * T, t + 1);
                    }
                    float weighted = 0f;
                    for (int i = 0; i <= t; i++) {
                        int vAt = (b * T + i) * kvWidth + g * hd;
                        float p = probs[pAt + i];
                        kernels.addScaled(dv, vAt, p, dOut, qAt, hd);
                        weighted += p * dp[i];
                    }
                    Arrays.fill(dq, qAt, qAt + hd, 0f);
                    for (int i = 0; i <= t; i++) {
                        // d(score_i) = p_i (dp_i − Σ p dp), through the scale into q and k_i
                        float ds = probs[pAt + i] * (dp[i] - weighted) * scale;
                        int kAt = (b * T + i) * kvWidth + g * hd;
                        kernels.addScaled(dq, qAt, ds, k, kAt, hd);
                        kernels.addScaled(dk, kAt, ds, q, qAt, hd);
                    }
                }
            }
        }
    }

    /** KV head {@code g} of sequence {@code b} of {@code x} ({@code [B·T][kvHeads·hd]}) into {@code into[j·T + i]}. */
    private void transpose(float[] x, int b, int g, float[] into) {
        int kvWidth = kvHeads * hd;
        for (int i = 0; i < T; i++) {
            int at = (b * T + i) * kvWidth + g * hd;
            for (int j = 0; j < hd; j++) {
                into[j * T + i] = x[at + j];
            }
        }
    }
}
