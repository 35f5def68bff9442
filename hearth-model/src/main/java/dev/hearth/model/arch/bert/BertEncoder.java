package dev.hearth.model.arch.bert;

import dev.hearth.compute.kernels.Kernels;
import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.compute.tensor.Shape;
import dev.hearth.compute.tensor.Tensor;
import dev.hearth.model.arch.bert.BertWeights.FeedForward;
import dev.hearth.model.arch.bert.BertWeights.Linear;
import dev.hearth.model.arch.bert.BertWeights.Norm;
import dev.hearth.model.arch.bert.BertWeights.Positions;
import dev.hearth.model.arch.bert.BertWeights.Qkv;
import dev.hearth.model.arch.transformer.Rope;
import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.runtime.EmbeddingModel;
import dev.hearth.model.runtime.ModelInfo;
import dev.hearth.model.runtime.ModelLoadException;
import dev.hearth.model.runtime.ModelOptions;
import dev.hearth.model.tokenizer.GgufVocabularies;
import dev.hearth.model.tokenizer.Tokenizer;
import dev.hearth.model.tokenizer.Tokenizers;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The forward pass of a BERT-family encoder over one input of {@code T} tokens, all at once
 * (post-norm: each sub-layer's output is added to its input, then normalised):
 *
 * <pre>
 * x = LayerNorm(word[tokens] + tokenType[0] (+ position[0 .. T) where positions are learned))
 * for each layer:
 *     q, k, v = Wq·x, Wk·x, Wv·x                               three matrices, or one fused Wqkv
 *     q, k = rotate(q, k by position)                          where positions are rotary
 *     x = LayerNorm(x + Wo · attention(q, k, v))               every token sees every token
 *     x = LayerNorm(x + ffn(x))                                Wdown·gelu(Wup·x)
 *                                                              or Wdown·(silu(Wgate·x) ⊙ Wup·x)
 * embedding = normalise(pool(x))                               x[0] ([CLS]) or the mean
 * </pre>
 *
 * The variants (BERT's learned positions, separate Q/K/V and GELU feed-forward; nomic-bert's
 * rotary positions, fused QKV and SwiGLU) are data: the types in {@link BertWeights}. Biases are
 * added where the file has them. {@code T} tokens go through each weight matrix together; every
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
    private final float[] qkv;  // [3][context][dim] separate q, k, v; or [context][3·dim] fused rows
    private final QkvRows separateRows;  // where q, k and v lie in qkv after three projections
    private final QkvRows fusedRows;     // ... and after one fused projection
    private final float[] att;  // [context][dim] attention output
    private final float[] hb;   // [context][ffnDim] feed-forward inner activations (SwiGLU: the gate)
    private final float[] hb2;  // [context][ffnDim] SwiGLU's up projection; empty for GELU
    private final float[][] keysByHead;   // [heads][context][headDim]: k regrouped, as the attention kernel reads it
    private final float[][] valuesByHead; // [heads][context][headDim]

    /** Row {@code t} of a {@code [T][…]} activation starts at {@code data[offset + t·stride]}. */
    private record Rows(float[] data, int offset, int stride) {
        int at(int t) {
            return offset + t * stride;
        }
    }

    /** The queries, keys and values, each {@code [T][dim]} within {@link #qkv}. */
    private record QkvRows(Rows q, Rows k, Rows v) {
    }

    private BertEncoder(GgufFile file, BertConfig config, BertWeights weights, Tokenizer tokenizer, Kernels kernels) {
        this.file = file;
        this.c = config;
        this.w = weights;
        this.tokenizer = tokenizer;
        this.kernels = kernels;
        this.attentionScale = (float) (1.0 / Math.sqrt(config.headDim()));
        int dim = config.dim();
        int n = config.contextLength() * dim;
        this.x = new float[n];
        this.xb = new float[n];
        this.qkv = new float[3 * n];
        this.separateRows = new QkvRows(new Rows(qkv, 0, dim), new Rows(qkv, n, dim), new Rows(qkv, 2 * n, dim));
        this.fusedRows = new QkvRows(new Rows(qkv, 0, 3 * dim), new Rows(qkv, dim, 3 * dim),
                new Rows(qkv, 2 * dim, 3 * dim));
        this.att = new float[n];
        this.hb = new float[config.contextLength() * config.ffnDim()];
        boolean gated = weights.layers().stream().anyMatch(l -> l.ffn() instanceof FeedForward.SwiGlu);
        this.hb2 = new float[gated ? hb.length : 0];
        this.keysByHead = new float[config.heads()][config.contextLength() * config.headDim()];
        this.valuesByHead = new float[config.heads()][config.contextLength() * config.headDim()];
    }

    /**
     * The runnable encoder, with the tokenizer the file describes.
     *
     * @param file the open model file; the model closes it
     * @throws ModelLoadException if the tokenizer's vocabulary is larger than the embedding table
     */
    static EmbeddingModel create(GgufFile file, BertConfig config, BertWeights weights, ModelOptions options) {
        Tokenizer tokenizer = Tokenizers.fromGguf(file.metadata());
        if (tokenizer.vocabulary().size() > config.vocabularySize()) {
            throw new ModelLoadException(file.path(), GgufVocabularies.TOKENS, tokenizer.vocabulary().size()
                    + " tokens, but token_embd.weight has only " + config.vocabularySize() + " rows");
        }
        return new BertEncoder(file, config, weights, tokenizer, options.kernels());
    }

    @Override
    public synchronized float[] embed(int[] tokens) {
        check(tokens);
        int T = tokens.length;
        int dim = c.dim();

        // x[T][dim] = LayerNorm(word + token type 0 (+ position, where positions are learned))
        for (int t = 0; t < T; t++) {
            w.tokenEmbedding().dequantizeRow(tokens[t], x, t * dim);
            if (w.tokenType() != null) {
                kernels.add(x, t * dim, w.tokenType(), 0, dim);
            }
        }
        if (w.positions() instanceof Positions.Learned learned) {
            for (int t = 0; t < T; t++) {
                learned.table().dequantizeRow(t, xb, t * dim);
            }
            kernels.add(x, 0, xb, 0, T * dim);
        }
        layerNormRows(x, w.embeddingNorm(), T);

        for (BertWeights.Layer layer : w.layers()) {
            // self-attention
            QkvRows rows = project(layer.qkv(), T);              // q, k, v[T][dim]
            if (w.positions() instanceof Positions.Rotary rotary) {
                rotate(rotary.rope(), rows, T);                  // q, k rotated by position
            }
            attention(rows, T);                                  // att[T][dim]
            linear(layer.output(), att, xb, 0, T);               // xb[T][dim]
            kernels.add(x, 0, xb, 0, T * dim);                   // residual
            layerNormRows(x, layer.attentionNorm(), T);

            // feed-forward
            feedForward(layer.ffn(), T);                         // xb[T][dim]
            kernels.add(x, 0, xb, 0, T * dim);                   // residual
            layerNormRows(x, layer.outputNorm(), T);
        }
        return normalised(pool(T));
    }

    /** {@code q, k, v[T][dim]} from {@code x}, through three matrices or one fused one. */
    private QkvRows project(Qkv projection, int T) {
        return switch (projection) {
            case Qkv.Separate s -> {
                int n = c.contextLength() * c.dim();
                linear(s.q(), x, qkv, 0, T);
                linear(s.k(), x, qkv, n, T);
                linear(s.v(), x, qkv, 2 * n, T);
                yield separateRows;
            }
            case Qkv.Fused f -> {
                linear(f.qkv(), x, qkv, 0, T);                   // qkv[T][3·dim]: q, k, v side by side
                yield fusedRows;
            }
        };
    }

    /** Every head of {@code q[t]} and {@code k[t]} rotated by position {@code t}. */
    private void rotate(Rope rope, QkvRows rows, int T) {
        float[] inv = rope.invFrequencies();
        for (int t = 0; t < T; t++) {
            kernels.rope(rows.q().data(), rows.q().at(t), c.heads(), c.headDim(), t, inv, rope.neox());
            kernels.rope(rows.k().data(), rows.k().at(t), c.heads(), c.headDim(), t, inv, rope.neox());
        }
    }

    /** {@code xb[T][dim]} = the feed-forward network of {@code x}. */
    private void feedForward(FeedForward ffn, int T) {
        int n = T * c.ffnDim();
        switch (ffn) {
            case FeedForward.Gelu g -> {
                linear(g.up(), x, hb, 0, T);                     // hb[T][ffnDim]
                kernels.geluErf(hb, 0, n);
                linear(g.down(), hb, xb, 0, T);
            }
            case FeedForward.SwiGlu s -> {
                kernels.matMul(s.gate(), x, 0, hb, 0, T);        // hb[T][ffnDim]
                kernels.matMul(s.up(), x, 0, hb2, 0, T);         // hb2[T][ffnDim]
                kernels.swiGlu(hb, 0, hb2, 0, n);                // hb = silu(hb) ⊙ hb2
                kernels.matMul(s.down(), hb, 0, xb, 0, T);
            }
        }
    }

    /**
     * {@code att[t] = Σ_i softmax_i(q[t]·k[i] / √headDim) v[i]} for each head, over all {@code T}
     * positions.
     */
    private void attention(QkvRows rows, int T) {
        int headDim = c.headDim();
        List<Tensor> keys = new ArrayList<>(c.heads());
        List<Tensor> values = new ArrayList<>(c.heads());
        for (int h = 0; h < c.heads(); h++) {
            for (int t = 0; t < T; t++) {  // head h of token t → row t of head h's block
                System.arraycopy(rows.k().data(), rows.k().at(t) + h * headDim, keysByHead[h], t * headDim, headDim);
                System.arraycopy(rows.v().data(), rows.v().at(t) + h * headDim, valuesByHead[h], t * headDim, headDim);
            }
            keys.add(block(keysByHead[h], T));
            values.add(block(valuesByHead[h], T));
        }
        Rows q = rows.q();
        float[] queries = q.data();
        int queriesAt = q.offset();
        if (q.stride() != c.dim()) { // fused QKV: the queries gathered into [T][dim] (xb is free until Wo)
            for (int t = 0; t < T; t++) {
                System.arraycopy(q.data(), q.at(t), xb, t * c.dim(), c.dim());
            }
            queries = xb;
            queriesAt = 0;
        }
        kernels.bidirectionalAttention(queries, queriesAt, T, c.heads(), c.heads(), keys, values, attentionScale, att, 0);
    }

    /** The first {@code T} rows of a head's {@code [context][headDim]} buffer, as a one-block KV cache. */
    private Tensor block(float[] rows, int T) {
        MemorySegment data = MemorySegment.ofArray(rows).asSlice(0, (long) T * c.headDim() * Float.BYTES);
        return new Tensor("kv", GgmlType.F32, Shape.of(c.headDim(), T), data);
    }

    /** {@code out[outOffset + t·rows ..] = W·in[t] + bias} for {@code T} rows. */
    private void linear(Linear layer, float[] in, float[] out, int outOffset, int T) {
        kernels.matMul(layer.weight(), in, 0, out, outOffset, T);
        float[] bias = layer.bias();
        if (bias != null) {
            for (int t = 0; t < T; t++) {
                kernels.add(out, outOffset + t * bias.length, bias, 0, bias.length);
            }
        }
    }

    /** {@code rows[t] = LayerNorm(rows[t])} in place, for {@code T} rows of {@code dim}. */
    private void layerNormRows(float[] rows, Norm norm, int T) {
        for (int t = 0; t < T; t++) {
            kernels.layerNorm(rows, t * c.dim(), rows, t * c.dim(), norm.weight(), norm.bias(), c.eps(), c.dim());
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
            // refused at load
            case LAST -> throw new IllegalStateException(c.architecture() + " does not pool by the last token");
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
