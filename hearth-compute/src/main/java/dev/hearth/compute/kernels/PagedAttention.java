package dev.hearth.compute.kernels;

import static dev.hearth.compute.kernels.VectorKernels.MAT_MUL_KERNELS;
import static dev.hearth.compute.kernels.VectorKernels.MAT_VEC_KERNELS;
import static dev.hearth.compute.kernels.VectorKernels.MIN_RANGE_WORK;
import static dev.hearth.compute.kernels.VectorKernels.TOKEN_BLOCK;
import static dev.hearth.compute.kernels.VectorKernels.addWeightedRows;
import static dev.hearth.compute.kernels.VectorKernels.buffer;
import static dev.hearth.compute.kernels.VectorKernels.ceilDiv;
import static dev.hearth.compute.kernels.VectorKernels.rows;

import dev.hearth.compute.tensor.Tensor;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link VectorKernels}' attention, as one task per head and block of
 * {@value VectorKernels#TOKEN_BLOCK} tokens, handed out to the pool's threads (the blocks nearest
 * the end of the prompt, which see the most positions, first). A task works in its thread's own
 * query and score buffers: scores for its tokens against every key its last token sees (four
 * tokens per pass over the keys, as in {@link VectorKernels#matMul}), then per token the scaled,
 * causal softmax and the weighted sum of values. Which thread runs a task changes nothing in its
 * arithmetic, and the blocks are fixed by {@code tokens} alone, so results are the same for any
 * thread count.
 *
 * <p>The cache may be paged ({@link Kernels#attention}): scores and the weighted sum go block by
 * block of positions, each block's rows in order, so the result is the same bits however the
 * positions are split into blocks.
 */
final class PagedAttention {
    /** Per thread: one attention task's queries, {@code [TOKEN_BLOCK][headDim]}. */
    private static final ThreadLocal<float[]> QUERY_BUFFER = ThreadLocal.withInitial(() -> new float[0]);
    /** Per thread: one attention task's scores, {@code [TOKEN_BLOCK][positions]}, sized for the whole cache. */
    private static final ThreadLocal<float[]> SCORE_BUFFER = ThreadLocal.withInitial(() -> new float[0]);

    private final VectorKernels kernels; // the softmax and scaling of the scores
    private final WorkerPool pool;
    /** The task of an attention call, idle between calls; null while one runs. */
    private final AtomicReference<AttentionTask> idleAttention = new AtomicReference<>(new AttentionTask());

    PagedAttention(VectorKernels kernels, WorkerPool pool) {
        this.kernels = kernels;
        this.pool = pool;
    }

    /** {@link Kernels#attention}. */
    void run(float[] q, int qOffset, int tokens, int heads, int kvHeads, List<Tensor> keys,
            List<Tensor> values, int start, float scale, float[] out, int outOffset) {
        check(q, qOffset, tokens, heads, kvHeads, keys, values, start + tokens, out, outOffset);
        int headDim = keys.getFirst().cols();
        int valueDim = values.getFirst().cols();
        int positions = start + tokens;
        AttentionTask task = idleAttention.getAndSet(null);
        if (task == null) {
            task = new AttentionTask(); // a second caller at once
        }
        try {
            task.set(q, qOffset, tokens, heads, kvHeads, keys, values, start, scale, out, outOffset);
            int tasks = heads * ceilDiv(tokens, TOKEN_BLOCK);
            long work = (long) positions * (headDim + valueDim) * Math.min(tokens, TOKEN_BLOCK);
            pool.forRanges(tasks, (int) Math.max(1, Math.min(tasks, MIN_RANGE_WORK / Math.max(1, work))), task);
        } finally {
            task.clear();
            idleAttention.set(task);
        }
    }

    /**
     * Checks an attention call's arguments ({@link Kernels#attention}): heads that share KV heads
     * evenly, {@code positions} filled positions in blocks of one shape, queries and outputs that
     * fit their arrays.
     */
    static void check(float[] q, int qOffset, int tokens, int heads, int kvHeads, List<Tensor> keys,
            List<Tensor> values, int positions, float[] out, int outOffset) {
        if (kvHeads <= 0 || heads % kvHeads != 0 || keys.isEmpty() || keys.size() % kvHeads != 0
                || values.size() != keys.size()) {
            throw new IllegalArgumentException(heads + " query heads cannot share " + kvHeads + " KV heads over "
                    + keys.size() + " key and " + values.size() + " value blocks");
        }
        int headDim = keys.getFirst().cols();
        int valueDim = values.getFirst().cols();
        int blockRows = keys.getFirst().rows();
        Objects.checkFromIndexSize(qOffset, tokens * heads * headDim, q.length);
        Objects.checkFromIndexSize(outOffset, tokens * heads * valueDim, out.length);
        Objects.checkFromIndexSize(0, positions, (long) keys.size() / kvHeads * blockRows);
        for (int i = 0; i < ceilDiv(positions, blockRows) * kvHeads; i++) {
            Tensor k = keys.get(i);
            Tensor v = values.get(i);
            if (k.cols() != headDim || v.cols() != valueDim || k.rows() != blockRows || v.rows() != blockRows) {
                throw new IllegalArgumentException("KV blocks of different shapes: " + keys.getFirst() + ", " + k
                        + ", " + values.getFirst() + ", " + v);
            }
        }
    }

    /** The tasks of an attention call: index {@code i} is head {@code i mod heads} of a block of tokens. */
    private final class AttentionTask implements WorkerPool.Range {
        private float[] q;
        private int qOffset;
        private int tokens;
        private int heads;
        private int kvHeads;
        private List<Tensor> keys;
        private List<Tensor> values;
        private int start;
        private float scale;
        private float[] out;
        private int outOffset;

        void set(float[] q, int qOffset, int tokens, int heads, int kvHeads, List<Tensor> keys, List<Tensor> values,
                int start, float scale, float[] out, int outOffset) {
            this.q = q;
            this.qOffset = qOffset;
            this.tokens = tokens;
            this.heads = heads;
            this.kvHeads = kvHeads;
            this.keys = keys;
            this.values = values;
            this.start = start;
            this.scale = scale;
            this.out = out;
            this.outOffset = outOffset;
        }

        void clear() {
            set(null, 0, 0, 0, 0, null, null, 0, 0f, null, 0);
        }

        @Override
        public void run(int from, int to) {
            int blocks = ceilDiv(tokens, TOKEN_BLOCK);
            for (int i = from; i < to; i++) {
                int block = blocks - 1 - i / heads; // the longest rows first
                int head = i % heads;
                int t0 = block * TOKEN_BLOCK;
                head(head, head / (heads / kvHeads), t0, Math.min(TOKEN_BLOCK, tokens - t0));
            }
        }

        /** Head {@code h}, reading KV head {@code g}, for tokens {@code [t0, t0+n)}. */
        private void head(int h, int g, int t0, int n) {
            Tensor firstKeys = keys.getFirst();
            int headDim = firstKeys.cols();
            int valueDim = values.getFirst().cols();
            int blockRows = firstKeys.rows();
            int seen = start + t0 + n; // positions the block's last token sees
            // qh[n][headDim] = head h of each token's query
            float[] qh = buffer(QUERY_BUFFER, n * headDim);
            for (int t = 0; t < n; t++) {
                System.arraycopy(q, qOffset + ((t0 + t) * heads + h) * headDim, qh, t * headDim, headDim);
            }
            // scores[n][seen] = K·q, block by block of the cache; sized for every block the list
            // holds, so the buffer does not grow as positions fill
            float[] scores = buffer(SCORE_BUFFER, Math.min(tokens, TOKEN_BLOCK) * keys.size() / kvHeads * blockRows);
            MethodHandle matMulRows = MAT_MUL_KERNELS.get(firstKeys.type());
            MethodHandle matVecRows = MAT_VEC_KERNELS.get(firstKeys.type());
            int quads = matMulRows == null ? 0 : n & ~3;
            for (int b = 0, first = 0; first < seen; b++, first += blockRows) {
                Tensor k = keys.get(b * kvHeads + g);
                int rows = Math.min(blockRows, seen - first);
                if (quads > 0) {
                    rows(matMulRows, k, 0, rows, qh, 0, quads, scores, first, seen);
                }
                for (int t = quads; t < n; t++) {
                    rows(matVecRows, k, 0, rows, qh, t * headDim, 1, scores, t * seen + first, seen);
                }
            }
            for (int t = 0; t < n; t++) {
                int visible = start + t0 + t + 1;
                kernels.scale(scores, t * seen, scale, visible);
                kernels.softmax(scores, t * seen, visible);
                int at = outOffset + ((t0 + t) * heads + h) * valueDim;
                Arrays.fill(out, at, at + valueDim, 0f);
                for (int b = 0, first = 0; first < visible; b++, first += blockRows) {
                    addWeightedRows(scores, t * seen + first, values.get(b * kvHeads + g),
                            Math.min(blockRows, visible - first), out, at);
                }
            }
        }
    }
}
