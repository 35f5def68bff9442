package dev.hearth.compute.kernels;

import static dev.hearth.compute.kernels.VectorKernels.F;
import static dev.hearth.compute.kernels.VectorKernels.L;
import static dev.hearth.compute.kernels.VectorKernels.TOKEN_BLOCK;
import static dev.hearth.compute.kernels.VectorKernels.ceilDiv;

import dev.hearth.compute.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import jdk.incubator.vector.FloatVector;

/**
 * {@link VectorKernels}' bidirectional attention (an encoder's: every token sees every position),
 * as one task per head and block of {@value VectorKernels#TOKEN_BLOCK} queries on the pool's
 * threads. Short names: {@code T} positions (= tokens), {@code D} the head's width, {@code V}
 * the value width, {@code P} and {@code VP} them rounded up to whole vectors of {@code L} lanes.
 *
 * <p>A thread first widens its KV head into its own float buffers, once per call: the keys
 * transposed, {@code kT[D][P]}, and the values as rows, {@code v[T][VP]}, zero-padded. Both
 * products are then outer products with no sum across lanes: a score vector is {@code L}
 * positions of one query, {@code s[t][p..p+L) = Σ_d q[t][d] · kT[d][p..p+L)}, and an output
 * vector is {@code L} value columns, {@code o[t][c..c+L) = Σ_i softmax(s[t])[i] · v[i][c..c+L)},
 * both in register tiles of four queries by four vectors (each vector loaded serves four queries,
 * each broadcast four vectors). Every element is a chain of fused multiply-adds in index order,
 * whichever tile computes it, so results are the same bits for any thread count and block split.
 */
final class BidirectionalAttention {
    /** Numbers the calls, so that a thread knows whether its buffers hold this call's KV head. */
    private static final AtomicLong CALLS = new AtomicLong();
    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private final VectorKernels kernels; // softmax and scaling of the scores
    private final WorkerPool pool;
    /** The task of a call, idle between calls; null while one runs. */
    private final AtomicReference<Task> idle = new AtomicReference<>(new Task());

    BidirectionalAttention(VectorKernels kernels, WorkerPool pool) {
        this.kernels = kernels;
        this.pool = pool;
    }

    /** {@link Kernels#bidirectionalAttention}. */
    void run(float[] q, int qOffset, int tokens, int heads, int kvHeads, List<Tensor> keys, List<Tensor> values,
            float scale, float[] out, int outOffset) {
        PagedAttention.check(q, qOffset, tokens, heads, kvHeads, keys, values, tokens, out, outOffset);
        Task task = idle.getAndSet(null);
        if (task == null) {
            task = new Task(); // a second caller at once
        }
        try {
            task.set(CALLS.incrementAndGet(), q, qOffset, tokens, heads, kvHeads, keys, values, scale, out, outOffset);
            pool.forRanges(heads * ceilDiv(tokens, TOKEN_BLOCK), 1, task);
        } finally {
            task.clear();
            idle.set(task);
        }
    }

    /** A thread's working memory, grown rarely, never per call. */
    private static final class Buffers {
        long call = -1;  // the call and KV head that kT and v hold
        int kvHead = -1;
        float[] row = new float[0];     // [max(D, V)] one dequantized row
        float[] kT = new float[0];      // [D][P]
        float[] v = new float[0];       // [T][VP]
        float[] q = new float[0];       // [TOKEN_BLOCK][D] the block's queries of one head
        float[] s = new float[0];       // [TOKEN_BLOCK][P] scores, then probabilities
        float[] o = new float[0];       // [TOKEN_BLOCK][VP] outputs

        static float[] grown(float[] buffer, int size) {
            return buffer.length >= size ? buffer : new float[size];
        }
    }

    /** The tasks of a call: index {@code i} is head {@code i / blocks}, block of queries {@code i mod blocks}. */
    private final class Task implements WorkerPool.Range {
        private long call;
        private float[] q;
        private int qOffset;
        private int tokens;
        private int heads;
        private int kvHeads;
        private List<Tensor> keys;
        private List<Tensor> values;
        private float scale;
        private float[] out;
        private int outOffset;

        void set(long call, float[] q, int qOffset, int tokens, int heads, int kvHeads, List<Tensor> keys,
                List<Tensor> values, float scale, float[] out, int outOffset) {
            this.call = call;
            this.q = q;
            this.qOffset = qOffset;
            this.tokens = tokens;
            this.heads = heads;
            this.kvHeads = kvHeads;
            this.keys = keys;
            this.values = values;
            this.scale = scale;
            this.out = out;
            this.outOffset = outOffset;
        }

        void clear() {
            set(-1, null, 0, 0, 0, 0, null, null, 0f, null, 0);
        }

        @Override
        public void run(int from, int to) {
            int blocks = ceilDiv(tokens, TOKEN_BLOCK);
            Buffers b = BUFFERS.get();
            for (int i = from; i < to; i++) {
                int h = i / blocks;
                int t0 = i % blocks * TOKEN_BLOCK;
                head(b, h, h / (heads / kvHeads), t0, Math.min(TOKEN_BLOCK, tokens - t0));
            }
        }

        /** Head {@code h}, reading KV head {@code g}, for queries {@code [t0, t0+n)}. */
        private void head(Buffers b, int h, int g, int t0, int n) {
            int T = tokens;
            int D = keys.getFirst().cols();
            int V = values.getFirst().cols();
            int P = ceilDiv(T, L) * L;
            int VP = ceilDiv(V, L) * L;
            if (b.call != call || b.kvHead != g) {
                widen(b, g, T, D, V, P, VP);
                b.call = call;
                b.kvHead = g;
            }
            b.q = Buffers.grown(b.q, TOKEN_BLOCK * D);
            b.s = Buffers.grown(b.s, TOKEN_BLOCK * P);
            b.o = Buffers.grown(b.o, TOKEN_BLOCK * VP);
            for (int t = 0; t < n; t++) {
                System.arraycopy(q, qOffset + ((t0 + t) * heads + h) * D, b.q, t * D, D);
            }
            outerProducts(b.q, D, D, n, b.kT, P, b.s);          // s[n][P] = q · kT
            for (int t = 0; t < n; t++) {
                kernels.scale(b.s, t * P, scale, T);
                kernels.softmax(b.s, t * P, T);
            }
            outerProducts(b.s, P, T, n, b.v, VP, b.o);          // o[n][VP] = softmax(s) · v
            for (int t = 0; t < n; t++) {
                System.arraycopy(b.o, t * VP, out, outOffset + ((t0 + t) * heads + h) * V, V);
            }
        }

        /** KV head {@code g} into {@code b.kT[D][P]} (keys transposed) and {@code b.v[T][VP]}, zero-padded. */
        private void widen(Buffers b, int g, int T, int D, int V, int P, int VP) {
            int blockRows = keys.getFirst().rows();
            b.row = Buffers.grown(b.row, Math.max(D, V));
            b.kT = Buffers.grown(b.kT, D * P);
            b.v = Buffers.grown(b.v, T * VP);
            float[] row = b.row;
            for (int i = 0; i < T; i++) {
                int block = i / blockRows * kvHeads + g;
                keys.get(block).dequantizeRow(i % blockRows, row, 0);
                for (int d = 0; d < D; d++) {
                    b.kT[d * P + i] = row[d];
                }
                values.get(block).dequantizeRow(i % blockRows, b.v, i * VP);
                Arrays.fill(b.v, i * VP + V, (i + 1) * VP, 0f);
            }
            for (int d = 0; d < D; d++) {
                Arrays.fill(b.kT, d * P + T, (d + 1) * P, 0f);
            }
        }
    }

    /**
     * {@code y[t][c..c+L) = Σ_k a[t][k] · m[k][c..c+L)} for {@code t < n}, {@code k < K} and every
     * vector {@code c} of the {@code W} (a multiple of {@code L}) columns of {@code m}; {@code a}
     * rows {@code aStride} apart, {@code y} rows {@code W} apart. Scores are this with
     * {@code a = q}, {@code m = kT}; outputs with {@code a = probabilities}, {@code m = v}.
     */
    static void outerProducts(float[] a, int aStride, int K, int n, float[] m, int W, float[] y) {
        int t = 0;
        for (; t + 4 <= n; t += 4) {
            int c = 0;
            for (; c + 4 * L <= W; c += 4 * L) {
                tile4x4(a, t * aStride, aStride, K, m, c, W, y, t * W + c);
            }
            for (; c < W; c += L) {
                for (int k = 0; k < 4; k++) {
                    column(a, (t + k) * aStride, K, m, c, W, y, (t + k) * W + c);
                }
            }
        }
        for (; t < n; t++) {
            for (int c = 0; c < W; c += L) {
                column(a, t * aStride, K, m, c, W, y, t * W + c);
            }
        }
    }

    /** One row of {@code a} times one vector of columns of {@code m}: the chain every tile computes too. */
    private static void column(float[] a, int aAt, int K, float[] m, int c, int W, float[] y, int yAt) {
        FloatVector acc = FloatVector.zero(F);
        for (int k = 0; k < K; k++) {
            acc = FloatVector.fromArray(F, m, k * W + c).fma(FloatVector.broadcast(F, a[aAt + k]), acc);
        }
        acc.intoArray(y, yAt);
    }

    /** Four rows of {@code a} (from {@code aAt}) times four vectors of columns of {@code m} (from {@code c}). */
    private static void tile4x4(float[] a, int aAt, int aStride, int K, float[] m, int c, int W, float[] y, int yAt) {
        FloatVector y00 = FloatVector.zero(F), y01 = y00, y02 = y00, y03 = y00; // y[row of a][vector of m]
        FloatVector y10 = y00, y11 = y00, y12 = y00, y13 = y00;
        FloatVector y20 = y00, y21 = y00, y22 = y00, y23 = y00;
        FloatVector y30 = y00, y31 = y00, y32 = y00, y33 = y00;
        int a0 = aAt;
        int a1 = aAt + aStride;
        int a2 = aAt + 2 * aStride;
        int a3 = aAt + 3 * aStride;
        for (int k = 0, mAt = c; k < K; k++, mAt += W) {
            FloatVector m0 = FloatVector.fromArray(F, m, mAt);
            FloatVector m1 = FloatVector.fromArray(F, m, mAt + L);
            FloatVector m2 = FloatVector.fromArray(F, m, mAt + 2 * L);
            FloatVector m3 = FloatVector.fromArray(F, m, mAt + 3 * L);
            FloatVector b = FloatVector.broadcast(F, a[a0 + k]);
            y00 = m0.fma(b, y00);
            y01 = m1.fma(b, y01);
            y02 = m2.fma(b, y02);
            y03 = m3.fma(b, y03);
            b = FloatVector.broadcast(F, a[a1 + k]);
            y10 = m0.fma(b, y10);
            y11 = m1.fma(b, y11);
            y12 = m2.fma(b, y12);
            y13 = m3.fma(b, y13);
            b = FloatVector.broadcast(F, a[a2 + k]);
            y20 = m0.fma(b, y20);
            y21 = m1.fma(b, y21);
            y22 = m2.fma(b, y22);
            y23 = m3.fma(b, y23);
            b = FloatVector.broadcast(F, a[a3 + k]);
            y30 = m0.fma(b, y30);
            y31 = m1.fma(b, y31);
            y32 = m2.fma(b, y32);
            y33 = m3.fma(b, y33);
        }
        y00.intoArray(y, yAt);
        y01.intoArray(y, yAt + L);
        y02.intoArray(y, yAt + 2 * L);
        y03.intoArray(y, yAt + 3 * L);
        int y1 = yAt + W;
        y10.intoArray(y, y1);
        y11.intoArray(y, y1 + L);
        y12.intoArray(y, y1 + 2 * L);
        y13.intoArray(y, y1 + 3 * L);
        int y2 = y1 + W;
        y20.intoArray(y, y2);
        y21.intoArray(y, y2 + L);
        y22.intoArray(y, y2 + 2 * L);
        y23.intoArray(y, y2 + 3 * L);
        int y3 = y2 + W;
        y30.intoArray(y, y3);
        y31.intoArray(y, y3 + L);
        y32.intoArray(y, y3 + 2 * L);
        y33.intoArray(y, y3 + 3 * L);
    }
}
