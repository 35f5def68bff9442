package dev.hearth.compute.kernels;

import dev.hearth.compute.quant.FloatRows;
import dev.hearth.compute.quant.FusedDot;
import dev.hearth.compute.quant.PanelProduct;
import dev.hearth.compute.quant.WeightFormats;
import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.compute.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the CPU's vector unit ({@code jdk.incubator.vector}, the preferred species: 8 float
 * lanes on AVX2, 16 on AVX-512), with matrix products spread over a {@link WorkerPool}.
 *
 * <p>A matrix product hands out ranges of weight rows times blocks of {@value #PRODUCT_BLOCK} tokens
 * to the pool's threads, all in one loop. For one token each row is multiplied by its format's
 * fused kernel ({@link FusedDot#dot}: the blocks are widened to floats in registers, never written
 * out); for a few (a decode step's), four rows at a time are unpacked into floats once for all the
 * block's tokens and multiplied four rows by four tokens ({@link FusedDot#matMulRows}); for many
 * (a prompt's), the tokens are first packed into panels and six unpacked rows at a time multiplied
 * into them as outer products ({@link PanelProduct}). Formats without a fused kernel are
 * dequantized instead: a row at a time for one token, like the others' rows for several. Attention is
 * {@link PagedAttention} (causal, over a paged cache) or {@link BidirectionalAttention} (an
 * encoder's). Every output element is computed by the same code whatever the thread
 * count or range split, so results are bit-identical for any number of threads.
 *
 * <p>The element-wise kernels run on the calling thread. Results differ from {@link ScalarKernels}
 * only in the order of float sums and by an ulp or so in {@code exp} (every element of a softmax,
 * including the last {@code n mod L}) and {@code tanh}; {@link #add},
 * {@link #scale} and {@link #rope} are bit-identical to it. No result depends on whether the JIT has
 * compiled a kernel yet: sums of lanes and {@code exp} use a fixed order of basic operations.
 */
final class VectorKernels implements Kernels {

    /** The vector shape of every kernel here: the machine's preferred width, at most 512 bits. */
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED.length() > 16
            ? FloatVector.SPECIES_512 : FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    /**
     * The shuffles that sum a vector's lanes in a fixed order, pairwise, halves first: the {@code k}th
     * brings lane {@code i + L/2^k} onto lane {@code i}. {@code reduceLanes(ADD)} leaves the order to
     * the implementation, and the interpreter's differs from the compiler's. Each method writes the
     * loop over them out: C2 may leave a helper taking the vector as a call where the call site's
     * profile says it is rare, and a vector passed to a call is allocated on the heap.
     */
    @SuppressWarnings("unchecked")
    private static final VectorShuffle<Float>[] FOLDS = IntStream.iterate(L / 2, k -> k >= 1, k -> k / 2)
            .mapToObj(k -> VectorShuffle.fromOp(F, i -> (i + k) % L)).toArray(VectorShuffle[]::new);
    /** Queries per attention task ({@link PagedAttention}, {@link BidirectionalAttention}). */
    static final int TOKEN_BLOCK = 32;
    /**
     * Tokens per block of a matrix product: each unpacked weight row serves a block's tokens.
     * Measured with panels (Q8_0, 2 threads, 512 tokens): 128 is 11–15% faster than 32, though a
     * block of 4,864-column activations (2.5 MB) no longer stays in the core's cache; 64 and 256
     * were no faster.
     */
    static final int PRODUCT_BLOCK = 128;
    /** Multiply-adds below which a range is not worth handing to another thread. */
    static final int MIN_RANGE_WORK = 1 << 15;

    /** Each fused format's {@link FusedDot#matMulRows}, bound to the format; see {@link RowsTask}. */
    static final Map<GgmlType, MethodHandle> MAT_MUL_KERNELS = rangeKernels("matMulRows",
            MethodType.methodType(void.class, MemorySegment.class, int.class, int.class, int.class,
                    float[].class, int.class, int.class, float[].class, int.class, int.class));
    /** Each fused format's {@link FusedDot#matVecRows}, bound to the format. */
    static final Map<GgmlType, MethodHandle> MAT_VEC_KERNELS = rangeKernels("matVecRows",
            MethodType.methodType(void.class, MemorySegment.class, int.class, int.class, int.class,
                    float[].class, int.class, float[].class, int.class));
    /** Each float format's {@link FloatRows}. */
    private static final Map<GgmlType, FloatRows> FLOAT_ROWS = floatRows();
    private static final ThreadLocal<float[]> ROW_BUFFER = ThreadLocal.withInitial(() -> new float[0]);
    /**
     * The calling thread's buffer for a product's packed tokens ({@link RowsTask#packing}): the
     * caller's, not the task's, so that a second caller at once, which gets a task of its own,
     * does not allocate one per product.
     */
    private static final ThreadLocal<float[]> PANELS = ThreadLocal.withInitial(() -> new float[0]);

    private final WorkerPool pool;
    /** The range task of a matrix product, idle between products; null while one runs. */
    private final AtomicReference<RowsTask> idleTask = new AtomicReference<>(new RowsTask());
    private final PagedAttention attention;
    private final BidirectionalAttention bidirectional;
    private final MatMulBackward backward;

    VectorKernels(WorkerPool pool) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.attention = new PagedAttention(this, pool);
        this.bidirectional = new BidirectionalAttention(this, pool);
        this.backward = new MatMulBackward(pool);
    }

    @Override
    public void matMul(Tensor w, float[] x, int xOffset, float[] y, int yOffset, int tokens) {
        matMul(w, w.rows(), x, xOffset, y, yOffset, tokens);
    }

    @Override
    public void matMul(Tensor w, int rowsUsed, float[] x, int xOffset, float[] y, int yOffset, int tokens) {
        int cols = w.cols();
        Objects.checkFromIndexSize(0, rowsUsed, w.rows());
        Objects.checkFromIndexSize(xOffset, tokens * cols, x.length);
        Objects.checkFromIndexSize(yOffset, tokens * rowsUsed, y.length);
        RowsTask task = idleTask.getAndSet(null);
        if (task == null) {
            task = new RowsTask(); // a second caller at once, e.g. from inside a loop on the pool
        }
        try {
            // one loop over every block of tokens × range of rows, so that the threads meet once per product
            int chunk = grain(rowsUsed, cols, Math.min(tokens, PRODUCT_BLOCK));
            int chunks = ceilDiv(rowsUsed, chunk);
            task.set(MAT_MUL_KERNELS.get(w.type()), MAT_VEC_KERNELS.get(w.type()), w, x, xOffset, tokens, y, yOffset,
                    rowsUsed, chunk, chunks, buffer(PANELS, Math.toIntExact(RowsTask.packedSize(tokens, cols))));
            pool.forRanges(task.packingTasks(), 1, task.packing);
            pool.forRanges(ceilDiv(tokens, PRODUCT_BLOCK) * chunks, 1, task);
        } finally {
            task.clear();
            idleTask.set(task);
        }
    }

    private int grain(int rows, int cols, int tokens) {
        return Math.max(ceilDiv(rows, 4 * pool.threads()), ceilDiv(MIN_RANGE_WORK, Math.max(1, cols * tokens)));
    }

    /**
     * Rows {@code [from, to)} of {@code w} times {@code tokens} activation vectors on this thread,
     * with {@code kernel} ({@link FusedDot#matVecRows} for one token, {@link FusedDot#matMulRows}
     * for several), or, when it is null, with each row dequantized once for all the tokens.
     */
    static void rows(MethodHandle kernel, Tensor w, int from, int to, float[] x, int xOffset, int tokens,
            float[] y, int yOffset, int yStride) {
        if (kernel == null && tokens == 1) {
            dequantizedRows(w, from, to, x, xOffset, y, yOffset);
            return;
        }
        if (kernel == null) {
            WeightFormats.matMulRowsDequantized(w.format(), w.data(), w.cols(), from, to, x, xOffset, tokens, y,
                    yOffset, yStride);
            return;
        }
        try {
            if (tokens == 1) {
                kernel.invokeExact(w.data(), w.cols(), from, to, x, xOffset, y, yOffset);
            } else {
                kernel.invokeExact(w.data(), w.cols(), from, to, x, xOffset, tokens, y, yOffset, yStride);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public void attention(float[] q, int qOffset, int tokens, int heads, int kvHeads, List<Tensor> keys,
            List<Tensor> values, int start, float scale, float[] out, int outOffset) {
        attention.run(q, qOffset, tokens, heads, kvHeads, keys, values, start, scale, out, outOffset);
    }

    @Override
    public void attention(AttentionBatch batch, float[] q, int heads, int kvHeads, float scale, float[] out) {
        attention.run(batch, q, heads, kvHeads, scale, out);
    }

    @Override
    public void bidirectionalAttention(float[] q, int qOffset, int tokens, int heads, int kvHeads, List<Tensor> keys,
            List<Tensor> values, float scale, float[] out, int outOffset) {
        bidirectional.run(q, qOffset, tokens, heads, kvHeads, keys, values, scale, out, outOffset);
    }

    /** This thread's buffer from {@code local}, at least {@code size} long: grown rarely, never per call. */
    static float[] buffer(ThreadLocal<float[]> local, int size) {
        float[] buffer = local.get();
        if (buffer.length < size) {
            buffer = new float[size];
            local.set(buffer);
        }
        return buffer;
    }

    /** Rows {@code [from, to)} times one token, each row dequantized into a buffer. */
    private static void dequantizedRows(Tensor w, int from, int to, float[] x, int xOffset, float[] y, int yOffset) {
        int cols = w.cols();
        float[] row = rowBuffer(cols);
        for (int r = from; r < to; r++) {
            w.dequantizeRow(r, row, 0);
            y[yOffset + r] = dotProduct(row, 0, x, xOffset, cols);
        }
    }

    /** This thread's row buffer, at least {@code cols} long: grown rarely, never per call. */
    private static float[] rowBuffer(int cols) {
        return buffer(ROW_BUFFER, cols);
    }

    @Override
    public void matMulBackwardInput(Tensor w, float[] dy, int dyOffset, float[] dx, int dxOffset, int tokens) {
        backward.input(w, dy, dyOffset, dx, dxOffset, tokens);
    }

    @Override
    public void matMulBackwardWeights(float[] dy, int dyOffset, float[] x, int xOffset, float[] dw, int dwOffset,
            int rows, int cols, int tokens) {
        backward.weights(dy, dyOffset, x, xOffset, dw, dwOffset, rows, cols, tokens);
    }

    @Override
    public void vecMat(float[] p, int pOffset, Tensor w, int rowsUsed, float[] y, int yOffset) {
        Objects.checkFromIndexSize(pOffset, rowsUsed, p.length);
        Objects.checkFromIndexSize(0, rowsUsed, w.rows());
        Arrays.fill(y, yOffset, yOffset + w.cols(), 0f);
        addWeightedRows(p, pOffset, w, rowsUsed, y, yOffset);
    }

    /** {@code y[j] += Σ_i p[i] · W[i][j]} over the first {@code rowsUsed} rows of {@code w}. */
    static void addWeightedRows(float[] p, int pOffset, Tensor w, int rowsUsed, float[] y, int yOffset) {
        int cols = w.cols();
        FloatRows kernel = FLOAT_ROWS.get(w.type());
        if (kernel != null) {
            for (int i = 0; i < rowsUsed; i++) {
                kernel.addScaledRow(w.data(), i * w.rowBytes(), cols, p[pOffset + i], y, yOffset);
            }
            return;
        }
        float[] row = rowBuffer(cols);
        for (int i = 0; i < rowsUsed; i++) {
            w.dequantizeRow(i, row, 0);
            FloatVector factor = FloatVector.broadcast(F, p[pOffset + i]);
            int j = 0;
            for (; j <= cols - L; j += L) {
                FloatVector.fromArray(F, row, j).fma(factor, FloatVector.fromArray(F, y, yOffset + j))
                        .intoArray(y, yOffset + j);
            }
            for (; j < cols; j++) {
                y[yOffset + j] += p[pOffset + i] * row[j];
            }
        }
    }

    @Override
    public void rmsNorm(float[] out, int outOffset, float[] x, int xOffset, float[] weight, float eps, int n) {
        float sumSquares = sumOfSquares(x, xOffset, n, 0f);
        float inverseRms = 1f / (float) Math.sqrt(sumSquares / n + eps);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xOffset + i).mul(inverseRms);
            FloatVector.fromArray(F, weight, i).mul(v).intoArray(out, outOffset + i);
        }
        for (; i < n; i++) {
            out[outOffset + i] = weight[i] * (inverseRms * x[xOffset + i]);
        }
    }

    @Override
    public void layerNorm(float[] out, int outOffset, float[] x, int xOffset, float[] weight, float[] bias, float eps,
            int n) {
        float mean = sum(x, xOffset, n) / n;
        float variance = sumOfSquares(x, xOffset, n, mean) / n;
        float inverseStd = 1f / (float) Math.sqrt(variance + eps);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(F, x, xOffset + i).sub(mean).mul(inverseStd)
                    .mul(FloatVector.fromArray(F, weight, i)).add(FloatVector.fromArray(F, bias, i))
                    .intoArray(out, outOffset + i);
        }
        for (; i < n; i++) {
            out[outOffset + i] = (x[xOffset + i] - mean) * inverseStd * weight[i] + bias[i];
        }
    }

    @Override
    public void softmax(float[] x, int offset, int n) {
        int i = 0;
        FloatVector maxes = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (; i <= n - L; i += L) {
            maxes = FloatVector.fromArray(F, x, offset + i).max(maxes); // a fresh vector as receiver, never the loop's phi
        }
        float max = maxes.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            max = Math.max(max, x[offset + i]);
        }
        // Every call runs exp() at least once, the last part masked: with a scalar tail, short rows
        // (the first positions of every sequence) would teach the JIT that the call is cold, and
        // it would then leave exp() a call and allocate the vectors crossing it.
        FloatVector sums = FloatVector.zero(F);
        for (i = 0; i < n; i += L) {
            VectorMask<Float> inRange = F.indexInRange(i, n);
            FloatVector e = VectorExp.exp(FloatVector.fromArray(F, x, offset + i, inRange).sub(max));
            e.intoArray(x, offset + i, inRange);
            sums = sums.add(e, inRange);
        }
        for (VectorShuffle<Float> fold : FOLDS) {
            sums = sums.add(sums.rearrange(fold));
        }
        float sum = sums.lane(0);
        i = 0;
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(F, x, offset + i).div(sum).intoArray(x, offset + i);
        }
        for (; i < n; i++) {
            x[offset + i] /= sum;
        }
    }

    @Override
    public void rope(float[] x, int offset, int heads, int headDim, int position, float[] invFrequencies, boolean neox) {
        // The reference's arithmetic exactly, with each angle's cosine and sine computed once for all heads.
        int pairs = invFrequencies.length;
        for (int k = 0; k < pairs; k++) {
            float angle = position * invFrequencies[k];
            float cos = (float) Math.cos(angle);
            float sin = (float) Math.sin(angle);
            for (int h = 0; h < heads; h++) {
                int base = offset + h * headDim;
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
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector g = FloatVector.fromArray(F, gate, gateOffset + i);
            FloatVector sigmoidDenominator = VectorExp.exp(g.neg()).add(1f);
            g.div(sigmoidDenominator).mul(FloatVector.fromArray(F, up, upOffset + i)).intoArray(gate, gateOffset + i);
        }
        for (; i < n; i++) {
            float g = gate[gateOffset + i];
            gate[gateOffset + i] = g / (1f + (float) Math.exp(-g)) * up[upOffset + i];
        }
    }

    @Override
    public void gelu(float[] x, int offset, int n) {
        final float sqrt2OverPi = 0.7978845608028654f;
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, offset + i);
            FloatVector inner = v.mul(sqrt2OverPi).mul(v.mul(v).mul(0.044715f).add(1f));
            v.mul(0.5f).mul(VectorExp.tanh(inner).add(1f)).intoArray(x, offset + i);
        }
        for (; i < n; i++) {
            float v = x[offset + i];
            x[offset + i] = 0.5f * v * (1f + (float) Math.tanh(sqrt2OverPi * v * (1f + 0.044715f * v * v)));
        }
    }

    /**
     * In two passes over chunks of {@value #GELU_CHUNK} elements (in cache between them): first
     * {@code e^(−z²)} for {@code z = x/√2} into a per-thread buffer, then {@link #erf} from it. One
     * loop doing both is past C2's inlining budget: {@code exp} stays partly a call, its vectors
     * are boxed, and it runs several times slower. The same operations either way, so the same bits.
     */
    @Override
    public void geluErf(float[] x, int offset, int n) {
        float[] e = buffer(GELU_BUFFER, GELU_CHUNK);
        for (int from = 0; from < n; from += GELU_CHUNK) {
            int m = Math.min(GELU_CHUNK, n - from);
            expOfMinusSquares(x, offset + from, m, e);
            geluFromExp(x, offset + from, m, e);
        }
    }

    static final int GELU_CHUNK = 2048;
    private static final ThreadLocal<float[]> GELU_BUFFER = ThreadLocal.withInitial(() -> new float[0]);

    /** {@code e[i] = e^(−z²)}, {@code z = x[offset + i]/√2}, for the whole vectors of {@code n} elements. */
    private static void expOfMinusSquares(float[] x, int offset, int n, float[] e) {
        for (int i = 0; i <= n - L; i += L) {
            FloatVector a = FloatVector.fromArray(F, x, offset + i).mul(ScalarKernels.INVERSE_SQRT2).abs();
            VectorExp.exp(a.mul(a).neg()).intoArray(e, i);
        }
    }

    /** GELU in place over {@code n} elements, the whole vectors' {@code e^(−z²)} taken from {@code e}. */
    private static void geluFromExp(float[] x, int offset, int n, float[] e) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, offset + i);
            v.mul(0.5f).mul(erf(v.mul(ScalarKernels.INVERSE_SQRT2), FloatVector.fromArray(F, e, i)).add(1f))
                    .intoArray(x, offset + i);
        }
        for (; i < n; i++) {
            float v = x[offset + i];
            x[offset + i] = 0.5f * v * (1f + ScalarKernels.erf(v * ScalarKernels.INVERSE_SQRT2));
        }
    }

    private static final FloatVector ONE = FloatVector.broadcast(F, 1f);

    /** {@link ScalarKernels#erf} lane by lane, given {@code expMinusSquare = e^(−z²)} from this class's {@link #exp}. */
    private static FloatVector erf(FloatVector z, FloatVector expMinusSquare) {
        FloatVector a = z.abs();
        FloatVector t = ONE.div(a.fma(ScalarKernels.ERF_P, 1f));
        FloatVector poly = t.fma(ScalarKernels.ERF_A5, ScalarKernels.ERF_A4);
        poly = poly.fma(t, FloatVector.broadcast(F, ScalarKernels.ERF_A3));
        poly = poly.fma(t, FloatVector.broadcast(F, ScalarKernels.ERF_A2));
        poly = poly.fma(t, FloatVector.broadcast(F, ScalarKernels.ERF_A1)).mul(t);
        FloatVector y = ONE.sub(poly.mul(expMinusSquare));
        return y.blend(y.neg(), z.compare(VectorOperators.LT, 0f)); // erf is odd
    }

    @Override
    public void add(float[] y, int yOffset, float[] x, int xOffset, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(F, y, yOffset + i).add(FloatVector.fromArray(F, x, xOffset + i))
                    .intoArray(y, yOffset + i);
        }
        for (; i < n; i++) {
            y[yOffset + i] += x[xOffset + i];
        }
    }

    @Override
    public void addScaled(float[] y, int yOffset, float a, float[] x, int xOffset, int n) {
        FloatVector factor = FloatVector.broadcast(F, a);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(F, x, xOffset + i).fma(factor, FloatVector.fromArray(F, y, yOffset + i))
                    .intoArray(y, yOffset + i);
        }
        if (i < n) { // the tail masked rather than scalar: the same fused rounding as the vectors
            VectorMask<Float> inRange = F.indexInRange(i, n);
            FloatVector.fromArray(F, x, xOffset + i, inRange).fma(factor, FloatVector.fromArray(F, y, yOffset + i, inRange))
                    .intoArray(y, yOffset + i, inRange);
        }
    }

    @Override
    public void scale(float[] y, int offset, float factor, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(F, y, offset + i).mul(factor).intoArray(y, offset + i);
        }
        for (; i < n; i++) {
            y[offset + i] *= factor;
        }
    }

    @Override
    public float dot(float[] a, int aOffset, float[] b, int bOffset, int n) {
        return dotProduct(a, aOffset, b, bOffset, n);
    }

    private static float dotProduct(float[] a, int aOffset, float[] b, int bOffset, int n) {
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = FloatVector.zero(F);
        int i = 0;
        for (; i <= n - 2 * L; i += 2 * L) {
            s0 = FloatVector.fromArray(F, a, aOffset + i).fma(FloatVector.fromArray(F, b, bOffset + i), s0);
            s1 = FloatVector.fromArray(F, a, aOffset + i + L).fma(FloatVector.fromArray(F, b, bOffset + i + L), s1);
        }
        for (; i <= n - L; i += L) {
            s0 = FloatVector.fromArray(F, a, aOffset + i).fma(FloatVector.fromArray(F, b, bOffset + i), s0);
        }
        FloatVector sums = s0.add(s1);
        for (VectorShuffle<Float> fold : FOLDS) {
            sums = sums.add(sums.rearrange(fold));
        }
        float sum = sums.lane(0);
        for (; i < n; i++) {
            sum += a[aOffset + i] * b[bOffset + i];
        }
        return sum;
    }

    private static float sum(float[] x, int offset, int n) {
        FloatVector sums = FloatVector.zero(F);
        int i = 0;
        for (; i <= n - L; i += L) {
            sums = FloatVector.fromArray(F, x, offset + i).add(sums);
        }
        for (VectorShuffle<Float> fold : FOLDS) {
            sums = sums.add(sums.rearrange(fold));
        }
        float sum = sums.lane(0);
        for (; i < n; i++) {
            sum += x[offset + i];
        }
        return sum;
    }

    /** {@code Σ (x[i] − center)²}. */
    private static float sumOfSquares(float[] x, int offset, int n, float center) {
        FloatVector sums = FloatVector.zero(F);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector d = FloatVector.fromArray(F, x, offset + i).sub(center);
            sums = d.fma(d, sums);
        }
        for (VectorShuffle<Float> fold : FOLDS) {
            sums = sums.add(sums.rearrange(fold));
        }
        float sum = sums.lane(0);
        for (; i < n; i++) {
            float d = x[offset + i] - center;
            sum += d * d;
        }
        return sum;
    }

    private static Map<GgmlType, MethodHandle> rangeKernels(String name, MethodType type) {
        Map<GgmlType, MethodHandle> kernels = new EnumMap<>(GgmlType.class);
        try {
            MethodHandle matMulRows = MethodHandles.publicLookup().findVirtual(FusedDot.class, name, type);
            for (GgmlType ggmlType : WeightFormats.supportedTypes()) {
                Optional<FusedDot> fused = WeightFormats.fusedDot(ggmlType);
                if (fused.isPresent()) {
                    kernels.put(ggmlType, matMulRows.bindTo(fused.get()));
                }
            }
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        return kernels;
    }

    private static Map<GgmlType, FloatRows> floatRows() {
        Map<GgmlType, FloatRows> kernels = new EnumMap<>(GgmlType.class);
        for (GgmlType type : WeightFormats.supportedTypes()) {
            WeightFormats.floatRows(type).ifPresent(rows -> kernels.put(type, rows));
        }
        return kernels;
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
