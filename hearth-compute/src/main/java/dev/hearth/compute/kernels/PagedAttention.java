package dev.hearth.compute.kernels;

import static dev.hearth.compute.kernels.VectorKernels.MAT_MUL_KERNELS;
import static dev.hearth.compute.kernels.VectorKernels.MAT_VEC_KERNELS;
import static dev.hearth.compute.kernels.VectorKernels.MIN_RANGE_WORK;
import static dev.hearth.compute.kernels.VectorKernels.F;
import static dev.hearth.compute.kernels.VectorKernels.L;
import static dev.hearth.compute.kernels.VectorKernels.TOKEN_BLOCK;
import static dev.hearth.compute.kernels.VectorKernels.buffer;
import static dev.hearth.compute.kernels.VectorKernels.ceilDiv;
import static dev.hearth.compute.kernels.VectorKernels.rows;

import dev.hearth.compute.quant.WeightFormats;
import dev.hearth.compute.tensor.Tensor;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import jdk.incubator.vector.FloatVector;

/**
 * {@link VectorKernels}' attention, as one task per KV head and block of tokens, handed out to the
 * pool's threads (the blocks nearest the end of the prompt, which see the most positions, first).
 * A task takes every query head that shares its KV head, for each of its tokens, as the rows of one
 * product: with grouped-query attention (Qwen's seven query heads per KV head, Llama 3's four) each
 * key and value row is widened to floats once for all of them, where a task per query head widened
 * it once per head. Tokens per task are chosen so that a task holds about
 * {@value VectorKernels#TOKEN_BLOCK} queries. A call may hold several sequences, each over its own
 * cache ({@link AttentionBatch}): their tasks go to the threads together, one hand-out per layer of
 * a serving step instead of one per sequence.
 *
 * <p>A task works in its thread's own buffers: scores for its queries against every key its last
 * token sees (several queries per pass over the keys, as in {@link VectorKernels#matMul}), then
 * per query the scaled, causal softmax, and the weighted sum of values, block by block of the
 * cache, each block's values widened once into a tile for all the queries. Which thread runs a
 * task changes nothing in its arithmetic, and the tasks are fixed by {@code tokens} and the head
 * counts alone, so results are the same for any thread count.
 *
 * <p>The cache may be paged ({@link Kernels#attention}): scores and the weighted sum go block by
 * block of positions, each block's rows in order, so the result is the same bits however the
 * positions are split into blocks.
 */
final class PagedAttention {
    /** Per thread: one attention task's queries, {@code [queries][headDim]}. */
    private static final ThreadLocal<float[]> QUERY_BUFFER = ThreadLocal.withInitial(() -> new float[0]);
    /** Per thread: one attention task's scores, {@code [queries][positions]}, sized for the whole cache. */
    private static final ThreadLocal<float[]> SCORE_BUFFER = ThreadLocal.withInitial(() -> new float[0]);
    /** Per thread: one block of the cache's values widened to floats, {@code [blockRows][valueDim]}. */
    private static final ThreadLocal<float[]> VALUE_TILE = ThreadLocal.withInitial(() -> new float[0]);

    private final VectorKernels kernels; // the softmax and scaling of the scores
    private final WorkerPool pool;
    /** The task of an attention call, idle between calls; null while one runs. */
    private final AtomicReference<AttentionTask> idleAttention = new AtomicReference<>(new AttentionTask());

    PagedAttention(VectorKernels kernels, WorkerPool pool) {
        this.kernels = kernels;
        this.pool = pool;
    }

    /** {@link Kernels#attention}: a batch of one sequence. */
    void run(float[] q, int qOffset, int tokens, int heads, int kvHeads, List<Tensor> keys,
            List<Tensor> values, int start, float scale, float[] out, int outOffset) {
        check(q, qOffset, tokens, heads, kvHeads, keys, values, start + tokens, out, outOffset);
        AttentionTask task = idleTask();
        try {
            task.single.clear();
            task.single.add(0, tokens, start, keys, values);
            task.set(task.single, q, qOffset, heads, kvHeads, scale, out, outOffset);
            hand(task);
        } finally {
            task.clear();
            idleAttention.set(task);
        }
    }

    /** {@link Kernels#attention(AttentionBatch, float[], int, int, float, float[])}. */
    void run(AttentionBatch batch, float[] q, int heads, int kvHeads, float scale, float[] out) {
        for (int i = 0; i < batch.size(); i++) {
            int headDim = batch.keys(i).getFirst().cols();
            int valueDim = batch.values(i).getFirst().cols();
            check(q, batch.first(i) * heads * headDim, batch.tokens(i), heads, kvHeads, batch.keys(i),
                    batch.values(i), batch.start(i) + batch.tokens(i), out, batch.first(i) * heads * valueDim);
        }
        if (batch.size() == 0) {
            return;
        }
        AttentionTask task = idleTask();
        try {
            task.set(batch, q, 0, heads, kvHeads, scale, out, 0);
            hand(task);
        } finally {
            task.clear();
            idleAttention.set(task);
        }
    }

    private AttentionTask idleTask() {
        AttentionTask task = idleAttention.getAndSet(null);
        return task != null ? task : new AttentionTask(); // a second caller at once
    }

    /** Hands the task's work to the pool: every sequence's blocks of tokens times its KV heads. */
    private void hand(AttentionTask task) {
        int group = task.heads / task.kvHeads;
        int perTask = tokensPerTask(group);
        long work = 0;
        for (int i = 0; i < task.batch.size(); i++) {
            int tokens = task.batch.tokens(i);
            int rowWidth = task.batch.keys(i).getFirst().cols() + task.batch.values(i).getFirst().cols();
            work += (long) (task.batch.start(i) + tokens) * rowWidth * tokens * group;
        }
        int tasks = task.tasks();
        long perRange = Math.max(1, work / tasks);
        pool.forRanges(tasks, (int) Math.max(1, Math.min(tasks, MIN_RANGE_WORK / perRange)), task);
    }

    /** Tokens per task: about {@value VectorKernels#TOKEN_BLOCK} queries, {@code group} per token. */
    private static int tokensPerTask(int group) {
        return Math.max(1, TOKEN_BLOCK / group);
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

    /**
     * The tasks of an attention call: sequence by sequence, KV head {@code i mod kvHeads} of a
     * block of the sequence's tokens, its last block first.
     */
    private final class AttentionTask implements WorkerPool.Range {
        /** The batch of {@link #run(float[], int, int, int, int, List, List, int, float, float[], int)}. */
        final AttentionBatch single = new AttentionBatch();
        private AttentionBatch batch;
        private float[] q;
        private int qOffset; // where the step's row 0 starts in q
        private int heads;
        private int kvHeads;
        private float scale;
        private float[] out;
        private int outOffset; // where the step's row 0 starts in out
        private int[] taskEnds = new int[8]; // the tasks of sequences 0 .. i end before taskEnds[i]

        void set(AttentionBatch batch, float[] q, int qOffset, int heads, int kvHeads, float scale, float[] out,
                int outOffset) {
            this.batch = batch;
            this.q = q;
            this.qOffset = qOffset;
            this.heads = heads;
            this.kvHeads = kvHeads;
            this.scale = scale;
            this.out = out;
            this.outOffset = outOffset;
            if (batch != null) {
                if (taskEnds.length < batch.size()) {
                    taskEnds = new int[batch.size()];
                }
                int perTask = tokensPerTask(heads / kvHeads);
                for (int i = 0, end = 0; i < batch.size(); i++) {
                    end += kvHeads * ceilDiv(batch.tokens(i), perTask);
                    taskEnds[i] = end;
                }
            }
        }

        void clear() {
            set(null, null, 0, 0, 1, 0f, null, 0);
            single.clear();
        }

        int tasks() {
            return taskEnds[batch.size() - 1];
        }

        @Override
        public void run(int from, int to) {
            int perTask = tokensPerTask(heads / kvHeads);
            int s = 0;
            for (int i = from; i < to; i++) {
                while (i >= taskEnds[s]) {
                    s++;
                }
                int local = i - (s == 0 ? 0 : taskEnds[s - 1]);
                int tokens = batch.tokens(s);
                int block = ceilDiv(tokens, perTask) - 1 - local / kvHeads; // the longest rows first
                int t0 = block * perTask;
                group(s, local % kvHeads, t0, Math.min(perTask, tokens - t0));
            }
        }

        /**
         * Sequence {@code s}'s KV head {@code g} with the {@code group} query heads that share it,
         * for its tokens {@code [t0, t0+n)}: query {@code i = t·group + h} is token {@code t0+t}'s
         * head {@code g·group + h}.
         */
        private void group(int s, int g, int t0, int n) {
            List<Tensor> keys = batch.keys(s);
            List<Tensor> values = batch.values(s);
            int start = batch.start(s);
            int tokens = batch.tokens(s);
            Tensor firstKeys = keys.getFirst();
            int headDim = firstKeys.cols();
            int valueDim = values.getFirst().cols();
            int blockRows = firstKeys.rows();
            int group = heads / kvHeads;
            int queries = n * group;
            int seen = start + t0 + n; // positions the last token sees
            int qOffset = this.qOffset + batch.first(s) * heads * headDim;
            int outOffset = this.outOffset + batch.first(s) * heads * valueDim;
            // qg[queries][headDim]: a token's heads of one group lie side by side in q
            float[] qg = buffer(QUERY_BUFFER, queries * headDim);
            for (int t = 0; t < n; t++) {
                System.arraycopy(q, qOffset + ((t0 + t) * heads + g * group) * headDim, qg, t * group * headDim,
                        group * headDim);
            }
            // scores[queries][seen] = K·q, block by block of the cache; sized for every block the
            // list holds, so the buffer does not grow as positions fill
            float[] scores = buffer(SCORE_BUFFER,
                    Math.min(tokens, tokensPerTask(group)) * group * keys.size() / kvHeads * blockRows);
            MethodHandle kernel = (queries == 1 ? MAT_VEC_KERNELS : MAT_MUL_KERNELS).get(firstKeys.type());
            for (int b = 0, first = 0; first < seen; b++, first += blockRows) {
                rows(kernel, keys.get(b * kvHeads + g), 0, Math.min(blockRows, seen - first), qg, 0, queries, scores,
                        first, seen);
            }
            for (int i = 0; i < queries; i++) {
                int visible = start + t0 + i / group + 1; // the causal mask: positions up to its token's
                kernels.scale(scores, i * seen, scale, visible);
                kernels.softmax(scores, i * seen, visible);
                int at = outOffset + outRow(g, t0, i) * valueDim;
                Arrays.fill(out, at, at + valueDim, 0f);
            }
            // out[query] = Σ_p scores[query][p] · V[p], each block's values widened once for every query
            float[] tile = buffer(VALUE_TILE, blockRows * valueDim);
            for (int b = 0, first = 0; first < seen; b++, first += blockRows) {
                Tensor v = values.get(b * kvHeads + g);
                int rows = Math.min(blockRows, seen - first);
                for (int r = 0; r < rows; r++) {
                    WeightFormats.unpackRow(v.format(), v.data(), r * v.rowBytes(), valueDim, tile, r * valueDim);
                }
                for (int i = 0; i < queries; i++) {
                    int visible = start + t0 + i / group + 1;
                    addWeightedTileRows(scores, i * seen + first, tile, Math.min(rows, visible - first), valueDim, out,
                            outOffset + outRow(g, t0, i) * valueDim);
                }
            }
        }

        /**
         * Query {@code i} of the task for KV head {@code g} from token {@code t0}: its head's row of
         * {@code valueDim} in the sequence's outputs, which are {@code [token][heads]}.
         */
        private int outRow(int g, int t0, int i) {
            int group = heads / kvHeads;
            return (t0 + i / group) * heads + g * group + i % group;
        }
    }

    /**
     * {@code y[yOffset + j] += Σ_p s[sOffset + p] · tile[p·cols + j]} over the tile's first
     * {@code rows} rows, in order, each a multiply-add into {@code y}'s element: the same
     * arithmetic as adding the scaled rows one by one ({@link VectorKernels#addWeightedRows}),
     * with {@code y} held in registers across the rows.
     */
    static void addWeightedTileRows(float[] s, int sOffset, float[] tile, int rows, int cols, float[] y,
            int yOffset) {
        int j = 0;
        for (; j <= cols - 4 * L; j += 4 * L) {
            FloatVector a0 = FloatVector.fromArray(F, y, yOffset + j);
            FloatVector a1 = FloatVector.fromArray(F, y, yOffset + j + L);
            FloatVector a2 = FloatVector.fromArray(F, y, yOffset + j + 2 * L);
            FloatVector a3 = FloatVector.fromArray(F, y, yOffset + j + 3 * L);
            for (int p = 0, at = j; p < rows; p++, at += cols) {
                FloatVector factor = FloatVector.broadcast(F, s[sOffset + p]);
                a0 = FloatVector.fromArray(F, tile, at).fma(factor, a0);
                a1 = FloatVector.fromArray(F, tile, at + L).fma(factor, a1);
                a2 = FloatVector.fromArray(F, tile, at + 2 * L).fma(factor, a2);
                a3 = FloatVector.fromArray(F, tile, at + 3 * L).fma(factor, a3);
            }
            a0.intoArray(y, yOffset + j);
            a1.intoArray(y, yOffset + j + L);
            a2.intoArray(y, yOffset + j + 2 * L);
            a3.intoArray(y, yOffset + j + 3 * L);
        }
        for (; j <= cols - L; j += L) {
            FloatVector a = FloatVector.fromArray(F, y, yOffset + j);
            for (int p = 0, at = j; p < rows; p++, at += cols) {
                a = FloatVector.fromArray(F, tile, at).fma(FloatVector.broadcast(F, s[sOffset + p]), a);
            }
            a.intoArray(y, yOffset + j);
        }
        for (; j < cols; j++) {
            float sum = y[yOffset + j];
            for (int p = 0; p < rows; p++) {
                sum += s[sOffset + p] * tile[p * cols + j];
            }
            y[yOffset + j] = sum;
        }
    }
}