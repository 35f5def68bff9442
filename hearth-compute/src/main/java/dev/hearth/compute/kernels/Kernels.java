package dev.hearth.compute.kernels;

import dev.hearth.compute.tensor.Tensor;
import java.util.List;

/**
 * The numeric operations a transformer's forward pass is built from: the seam between the models
 * and the machine. {@link ScalarKernels} is the reference every faster implementation is tested
 * against; an accelerator backend implements the same interface.
 *
 * <p>Activations are {@code float[]} with explicit offsets, so a batch of {@code T} vectors of
 * length {@code n} is one array of {@code T·n} floats, row after row. Weights are {@link Tensor}s
 * in any supported ggml type, dequantized on the fly with F32 accumulation. Implementations may
 * parallelise internally; a call returns when its output is complete. One Kernels instance may be
 * used by one forward pass at a time.
 */
public interface Kernels {

    /**
     * Kernels on this CPU's vector unit that spread matrix products over {@code pool}'s threads
     * (the pool stays the caller's to close). Results are bit-identical for any pool size.
     */
    static Kernels vectorized(WorkerPool pool) {
        return new VectorKernels(pool);
    }

    /**
     * Matrix times vectors: {@code y[t·rows + i] = Σ_j W[i][j] · x[t·cols + j]} for every token
     * {@code t < tokens} and row {@code i < w.rows()}, with {@code cols = w.cols()}.
     * For {@code tokens == 1} this is the decode path's matrix-vector product.
     */
    void matMul(Tensor w, float[] x, int xOffset, float[] y, int yOffset, int tokens);

    /**
     * Matrix times vectors over the first {@code rowsUsed} rows of {@code w}:
     * {@code y[t·rowsUsed + i] = Σ_j W[i][j] · x[t·cols + j]} for {@code t < tokens},
     * {@code i < rowsUsed}; attention's scores against the filled part of a key cache, without a
     * view of those rows (so without allocating one per head and token).
     */
    void matMul(Tensor w, int rowsUsed, float[] x, int xOffset, float[] y, int yOffset, int tokens);

    /**
     * The backward pass of {@link #matMul} with respect to its input: given {@code dy} as
     * {@code [tokens][w.rows()]}, adds {@code dx[t][j] += Σ_i dy[t][i] · W[i][j]} into {@code dx} as
     * {@code [tokens][w.cols()]}. {@code w} may be in any supported type (a frozen quantized base
     * model in fine-tuning), dequantized on the fly. Results do not depend on the thread count.
     */
    void matMulBackwardInput(Tensor w, float[] dy, int dyOffset, float[] dx, int dxOffset, int tokens);

    /**
     * The backward pass of {@link #matMul} with respect to a float32 weight matrix: given {@code dy}
     * as {@code [tokens][rows]} and the product's input {@code x} as {@code [tokens][cols]}, adds
     * {@code dW[i][j] += Σ_t dy[t][i] · x[t][j]} into {@code dw} as {@code [rows][cols]} from
     * {@code dwOffset}. Results do not depend on the thread count.
     */
    void matMulBackwardWeights(float[] dy, int dyOffset, float[] x, int xOffset, float[] dw, int dwOffset, int rows,
            int cols, int tokens);

    /**
     * Vector times matrix: {@code y[j] = Σ_i p[i] · W[i][j]} over the first {@code rowsUsed} rows of
     * {@code w}; attention's weighted sum of values.
     */
    void vecMat(float[] p, int pOffset, Tensor w, int rowsUsed, float[] y, int yOffset);

    /**
     * Causal multi-head attention of {@code tokens} queries over a key/value cache, each head on its
     * own: for token {@code t} at position {@code p = start + t} and query head {@code h}, reading
     * KV head {@code g = h / (heads / kvHeads)} (grouped-query attention),
     * <pre>
     * scores[i] = scale · K_g[i] · q[t][h]     for positions i = 0 .. p
     * out[t][h] = Σ_i softmax(scores)[i] · V_g[i]
     * </pre>
     * with {@code q} as {@code [tokens][heads·headDim]} from {@code qOffset} and {@code out} as
     * {@code [tokens][heads·valueDim]} from {@code outOffset}.
     *
     * <p>The cache is paged: {@code keys} and {@code values} hold blocks of positions, all with the
     * same number of rows {@code B}, KV head by KV head: entry {@code b·kvHeads + g} is KV head
     * {@code g}'s block {@code b}, {@code [B][headDim]} and {@code [B][valueDim]}, its row {@code r}
     * holding position {@code b·B + r}, in any float type. A contiguous cache is the case of one
     * block. Positions {@code 0 .. start+tokens−1} must be filled. Implementations may run heads in
     * parallel; results must not depend on how many threads they use, nor on how the positions are
     * split into blocks.
     */
    void attention(float[] q, int qOffset, int tokens, int heads, int kvHeads, List<Tensor> keys, List<Tensor> values,
            int start, float scale, float[] out, int outOffset);

    /**
     * {@link #attention} for every sequence of {@code batch}, each over its own cache, as one call
     * (an implementation hands all of their work to its threads at once, rather than sequence by
     * sequence): row {@code t} of {@code q} is the step's token {@code t},
     * {@code heads·headDim} floats, and of {@code out}, {@code heads·valueDim}. Each sequence's
     * results are those of {@link #attention} for it alone.
     */
    default void attention(AttentionBatch batch, float[] q, int heads, int kvHeads, float scale, float[] out) {
        for (int i = 0; i < batch.size(); i++) {
            int headDim = batch.keys(i).getFirst().cols();
            int valueDim = batch.values(i).getFirst().cols();
            attention(q, batch.first(i) * heads * headDim, batch.tokens(i), heads, kvHeads, batch.keys(i),
                    batch.values(i), batch.start(i), scale, out, batch.first(i) * heads * valueDim);
        }
    }

    /**
     * Bidirectional multi-head attention, as an encoder computes it: {@link #attention} from
     * position 0 without the causal mask, every one of the {@code tokens} queries seeing all
     * {@code tokens} positions: {@code scores[i] = scale · K_g[i] · q[t][h]} for
     * {@code i = 0 .. tokens−1}. The cache's layout and the results' independence of the thread
     * count and of the blocks are {@link #attention}'s.
     */
    void bidirectionalAttention(float[] q, int qOffset, int tokens, int heads, int kvHeads, List<Tensor> keys,
            List<Tensor> values, float scale, float[] out, int outOffset);

    /** {@code out = x / sqrt(mean(x²) + eps) · weight} over {@code n} elements. */
    void rmsNorm(float[] out, int outOffset, float[] x, int xOffset, float[] weight, float eps, int n);

    /** {@code out = (x − mean) / sqrt(var + eps) · weight + bias} over {@code n} elements. */
    void layerNorm(float[] out, int outOffset, float[] x, int xOffset, float[] weight, float[] bias, float eps, int n);

    /** In-place softmax over {@code n} elements (max-subtracted, so large inputs are safe). */
    void softmax(float[] x, int offset, int n);

    /**
     * Rotary position embedding, in place, on {@code heads} consecutive vectors of {@code headDim}
     * elements at position {@code position}: the first {@code 2·invFrequencies.length} elements of
     * each head are rotated by the angles {@code position · invFrequencies[k]}.
     *
     * @param neox false: pairs are adjacent elements {@code (2k, 2k+1)} (Llama's "normal" order);
     *     true: pairs are {@code (k, k + rotated/2)} (the NeoX / rotate-half order of Qwen)
     */
    void rope(float[] x, int offset, int heads, int headDim, int position, float[] invFrequencies, boolean neox);

    /** SwiGLU in place: {@code gate[i] = silu(gate[i]) · up[i]}. */
    void swiGlu(float[] gate, int gateOffset, float[] up, int upOffset, int n);

    /** GELU in place (the tanh approximation, as ggml computes it). */
    void gelu(float[] x, int offset, int n);

    /**
     * GELU in place, with the error function rather than its tanh approximation:
     * {@code x · ½(1 + erf(x/√2))}, as BERT and Hugging Face's {@code "gelu"} compute it.
     * {@code erf} is Abramowitz and Stegun's 7.1.26, within 1.5e-7 of the true value.
     */
    void geluErf(float[] x, int offset, int n);

    /** {@code y[i] += x[i]}. */
    void add(float[] y, int yOffset, float[] x, int xOffset, int n);

    /**
     * {@code y[i] += a · x[i]}, each element rounded once (a fused multiply-add in the vector
     * kernels and {@link Math#fma} in the reference, so both give the same bits). Training's
     * attention is made of these; {@code y} and {@code x} may be the same array only at disjoint
     * ranges.
     */
    void addScaled(float[] y, int yOffset, float a, float[] x, int xOffset, int n);

    /** {@code y[i] *= factor}. */
    void scale(float[] y, int offset, float factor, int n);

    /** {@code Σ a[i] · b[i]}. */
    float dot(float[] a, int aOffset, float[] b, int bOffset, int n);
}
