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
 * so their key and value gradients sum in a fixed order.
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
    private final ThreadLocal<float[]> scratch;
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

    /** @param kernels for the dot products (called from the pool's threads: they must not use the pool) */
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
        this.scratch = ThreadLocal.withInitial(() -> new float[seqLen]);
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
        for (int task = from; task < to; task++) {
            int b = task / kvHeads;
            int g = task % kvHeads;
            for (int h = g * group; h < (g + 1) * group; h++) {
                for (int t = 0; t < T; t++) {
                    int qAt = (b * T + t) * qWidth + h * hd;
                    int pAt = ((b * heads + h) * T + t) * T;
                    float max = Float.NEGATIVE_INFINITY;
                    for (int i = 0; i <= t; i++) {
                        int kAt = (b * T + i) * kvWidth + g * hd;
                        float s = kernels.dot(q, qAt, k, kAt, hd) * scale;
                        probs[pAt + i] = s;
                        max = Math.max(max, s);
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
                        int vAt = (b * T + i) * kvWidth + g * hd;
                        for (int j = 0; j < hd; j++) {
                            out[qAt + j] += p * v[vAt + j];
                        }
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
        float[] dp = scratch.get();
        float[] dOut = out;
        for (int task = from; task < to; task++) {
            int b = task / kvHeads;
            int g = task % kvHeads;
            for (int i = 0; i < T; i++) { // this thread alone writes KV head g of sequence b
                int kvAt = (b * T + i) * kvWidth + g * hd;
                Arrays.fill(dk, kvAt, kvAt + hd, 0f);
                Arrays.fill(dv, kvAt, kvAt + hd, 0f);
            }
            for (int h = g * group; h < (g + 1) * group; h++) {
                for (int t = 0; t < T; t++) {
                    int qAt = (b * T + t) * qWidth + h * hd;
                    int pAt = ((b * heads + h) * T + t) * T;
                    // dp[i] = dOut·v_i; dv_i += p_i dOut; Σ p_i dp_i for the softmax's backward
                    float weighted = 0f;
                    for (int i = 0; i <= t; i++) {
                        int vAt = (b * T + i) * kvWidth + g * hd;
                        float p = probs[pAt + i];
                        float d = kernels.dot(dOut, qAt, v, vAt, hd);
                        for (int j = 0; j < hd; j++) {
                            dv[vAt + j] += p * dOut[qAt + j];
                        }
                        dp[i] = d;
                        weighted += p * d;
                    }
                    Arrays.fill(dq, qAt, qAt + hd, 0f);
                    for (int i = 0; i <= t; i++) {
                        // d(score_i) = p_i (dp_i − Σ p dp), through the scale into q and k_i
                        float ds = probs[pAt + i] * (dp[i] - weighted) * scale;
                        int kAt = (b * T + i) * kvWidth + g * hd;
                        for (int j = 0; j < hd; j++) {
                            dq[qAt + j] += ds * k[kAt + j];
                            dk[kAt + j] += ds * q[qAt + j];
                        }
                    }
                }
            }
        }
    }

    /** The probabilities of the last forward pass, {@code [B][heads][T][T]}, zero above the diagonal. */
    public float[] probabilities() {
        return probs;
    }
}
