package dev.hearth.model.arch.bert;

import dev.hearth.compute.kernels.Kernels;
import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.compute.tensor.Shape;
import dev.hearth.compute.tensor.Tensor;
import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.runtime.EmbeddingModel;
import dev.hearth.model.runtime.ModelInfo;
import dev.hearth.model.tokenizer.Tokenizer;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The forward pass of a BERT encoder over one input of {@code T} tokens, all at once, as in the
 * paper (post-norm: each sub-layer's output is added to its input, then normalised):
 *
 * <pre>
 * x = LayerNorm(word[tokens] + position[0 .. T) + tokenType[0])
 * for each layer:
 *     x = LayerNorm(x + Wo · attention(Wq·x, Wk·x, Wv·x))      every token sees every token
 *     x = LayerNorm(x + Wdown · gelu(Wup·x))
 * embedding = normalise(pool(x))                                x[0] ([CLS]) or the mean
 * </pre>
 *
 * Every linear layer has a bias. {@code T} tokens go through each weight matrix together; every
 * operation is a {@link Kernels} call. Attention is {@link Kernels#bidirectionalAttention}: all
 * {@code T} queries of a layer at once, each seeing all {@code T} positions.
 */
final class BertEncoder implements EmbeddingModel {
    private final GgufFile file;
    private final BertConfig c;
    private final BertWeights w;
    private final Tokenizer tokenizer;
    private final Kernels kernels;
    private final float attentionScale;

    // run state, sized for the longest input and reused from call to call
    private final float[] x;    // [context][dim] hidden states
    private final float[] xb;   // [context][dim] a sub-layer's output
    private final float[] q;    // [context][dim] queries, head after head within a token
    private final float[] k;    // [context][dim]
    private final float[] v;    // [context][dim]
    private final float[] att;  // [context][dim] attention output
    private final float[] hb;   // [context][ffnDim] feed-forward inner activations
    private final float[][] keysByHead;   // [heads][context][headDim]: k regrouped, as the attention kernel reads it
    private final float[][] valuesByHead; // [heads][context][headDim]

    BertEncoder(GgufFile file, BertConfig config, BertWeights weights, Tokenizer tokenizer, Kernels kernels) {
        this.file = file;
        this.c = config;
        this.w = weights;
        this.tokenizer = tokenizer;
        this.kernels = kernels;
        this.attentionScale = (float) (1.0 / Math.sqrt(config.headDim()));
        int n = config.contextLength() * config.dim();
        this.x = new float[n];
        this.xb = new float[n];
        this.q = new float[n];
        this.k = new float[n];
        this.v = new float[n];
        this.att = new float[n];
        this.hb = new float[config.contextLength() * config.ffnDim()];
        this.keysByHead = new float[config.heads()][config.contextLength() * config.headDim()];
        this.valuesByHead = new float[config.heads()][config.contextLength() * config.headDim()];
    }

    @Override
    public synchronized float[] embed(int[] tokens) {
        check(tokens);
        int T = tokens.length;
        int dim = c.dim();

        // x[T][dim] = LayerNorm(word + position + token type 0)
        for (int t = 0; t < T; t++) {
            w.tokenEmbedding().dequantizeRow(tokens[t], x, t * dim);
            w.positionEmbedding().dequantizeRow(t, xb, t * dim);
            if (w.tokenType() != null) {
                kernels.add(x, t * dim, w.tokenType(), 0, dim);
            }
        }
        kernels.add(x, 0, xb, 0, T * dim);
        layerNormRows(x, w.embeddingNormWeight(), w.embeddingNormBias(), T);

        for (BertWeights.Layer layer : w.layers()) {
            // self-attention: q, k, v[T][dim] = W·x + b
            linear(layer.wq(), layer.qBias(), x, q, T);
            linear(layer.wk(), layer.kBias(), x, k, T);
            linear(layer.wv(), layer.vBias(), x, v, T);
            attention(T);                                    // att[T][dim]
            linear(layer.wo(), layer.oBias(), att, xb, T);   // xb[T][dim]
            kernels.add(x, 0, xb, 0, T * dim);               // residual
            layerNormRows(x, layer.attentionNormWeight(), layer.attentionNormBias(), T);

            // feed-forward: x = LayerNorm(x + Wdown·gelu(Wup·x + bup) + bdown)
            linear(layer.up(), layer.upBias(), x, hb, T);    // hb[T][ffnDim]
            kernels.geluErf(hb, 0, T * c.ffnDim());
            linear(layer.down(), layer.downBias(), hb, xb, T);  // xb[T][dim]
            kernels.add(x, 0, xb, 0, T * dim);               // residual
            layerNormRows(x, layer.outputNormWeight(), layer.outputNormBias(), T);
        }
        return normalised(pool(T));
    }

    /**
     * {@code att[t] = Σ_i softmax_i(q[t]·k[i] / √headDim) v[i]} for each head, over all {@code T}
     * positions.
     */
    private void attention(int T) {
        int headDim = c.headDim();
        List<Tensor> keys = new ArrayList<>(c.heads());
        List<Tensor> values = new ArrayList<>(c.heads());
        for (int h = 0; h < c.heads(); h++) {
            for (int t = 0; t < T; t++) {  // head h of token t → row t of head h's block
                System.arraycopy(k, t * c.dim() + h * headDim, keysByHead[h], t * headDim, headDim);
                System.arraycopy(v, t * c.dim() + h * headDim, valuesByHead[h], t * headDim, headDim);
            }
            keys.add(block(keysByHead[h], T));
            values.add(block(valuesByHead[h], T));
        }
        kernels.bidirectionalAttention(q, 0, T, c.heads(), c.heads(), keys, values, attentionScale, att, 0);
    }

    /** The first {@code T} rows of a head's {@code [context][headDim]} buffer, as a one-block KV cache. */
    private Tensor block(float[] rows, int T) {
        MemorySegment data = MemorySegment.ofArray(rows).asSlice(0, (long) T * c.headDim() * Float.BYTES);
        return new Tensor("kv", GgmlType.F32, Shape.of(c.headDim(), T), data);
    }

    /** {@code out[t] = W·in[t] + bias} for {@code T} rows. */
    private void linear(Tensor weight, float[] bias, float[] in, float[] out, int T) {
        kernels.matMul(weight, in, 0, out, 0, T);
        if (bias != null) {
            for (int t = 0; t < T; t++) {
                kernels.add(out, t * bias.length, bias, 0, bias.length);
            }
        }
    }

    /** {@code rows[t] = LayerNorm(rows[t])} in place, for {@code T} rows of {@code dim}. */
    private void layerNormRows(float[] rows, float[] weight, float[] bias, int T) {
        for (int t = 0; t < T; t++) {
            kernels.layerNorm(rows, t * c.dim(), rows, t * c.dim(), weight, bias, c.eps(), c.dim());
        }
    }

    /** The [CLS] position's hidden state, or the mean of all {@code T}. */
    private float[] pool(int T) {
        return switch (c.pooling()) {
            case CLS -> Arrays.copyOf(x, c.dim());
            case MEAN -> {
                float[] sum = new float[c.dim()];
                for (int t = 0; t < T; t++) {
                    kernels.add(sum, 0, x, t * c.dim(), c.dim());
                }
                kernels.scale(sum, 0, 1f / T, c.dim());
                yield sum;
            }
            case LAST -> throw new IllegalStateException("BERT does not pool by the last token"); // refused at load
        };
    }

    private float[] normalised(float[] e) {
        float norm = (float) Math.sqrt(kernels.dot(e, 0, e, 0, e.length));
        if (norm > 0) {
            kernels.scale(e, 0, 1 / norm, e.length);
        }
        return e;
    }

    private void check(int[] tokens) {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("no tokens to embed");
        }
        if (tokens.length > c.contextLength()) {
            throw new IllegalArgumentException("an input of " + tokens.length + " tokens is longer than the "
                    + c.contextLength() + " " + c.architecture() + " takes; split it (it is not truncated)");
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= c.vocabularySize()) {
                throw new IllegalArgumentException("token id " + tokens[i] + " at index " + i
                        + " is outside the vocabulary of " + c.vocabularySize());
            }
        }
    }

    @Override
    public ModelInfo info() {
        String name = file.metadata().findString("general.name").orElse(file.path().getFileName().toString());
        return new ModelInfo(c.architecture(), name, c.vocabularySize(), c.contextLength(), c.dim(), c.layers(),
                c.heads(), c.heads(), c.headDim(), c.ffnDim());
    }

    @Override
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public int dimension() {
        return c.dim();
    }

    @Override
    public int maxTokens() {
        return c.contextLength();
    }

    @Override
    public void close() {
        file.close();
    }
}
