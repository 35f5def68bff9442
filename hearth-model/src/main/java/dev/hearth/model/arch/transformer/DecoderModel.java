package dev.hearth.model.arch.transformer;

import dev.hearth.compute.kernels.Kernels;
import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.gguf.GgufMetadata;
import dev.hearth.model.lora.LoraSet;
import dev.hearth.model.lora.LoraTarget;
import dev.hearth.model.lora.ScaledLora;
import dev.hearth.model.runtime.Batch;
import dev.hearth.model.runtime.KvBlockPool;
import dev.hearth.model.runtime.KvCache;
import dev.hearth.model.runtime.KvPrecision;
import dev.hearth.model.runtime.Model;
import dev.hearth.model.runtime.ModelInfo;
import dev.hearth.model.runtime.ModelLoadException;
import dev.hearth.model.runtime.ModelOptions;
import dev.hearth.model.runtime.Pooling;
import dev.hearth.model.tokenizer.Tokenizer;

import java.util.List;

/**
 * The forward pass of a Llama-family decoder, for a step of {@code T} tokens at once (a prompt
 * chunk, or {@code T = 1} when decoding), as in llama2.c's {@code forward}:
 *
 * <pre>
 * x = embed(tokens)
 * for each layer:
 *     x += Wo · attention(rope(Wq·norm(x)), rope(Wk·norm(x)), Wv·norm(x))
 *     x += Wdown · (silu(Wgate·norm(x)) ⊙ Wup·norm(x))
 * logits = Wout · norm(x)
 * </pre>
 *
 * Names: {@code T} tokens in the step, {@code start} the position of the first, {@code n} the
 * positions the last one sees. Activations are rows of {@link DecoderState}; every operation is a
 * {@link Kernels} call. Variants (Q/K/V biases, per-head Q/K norms, NeoX RoPE) are present or
 * absent in the config and weights; the pass has no per-architecture branches. LoRA adapters, each
 * sequence its cache's, add their products after the seven block matrices' ({@link LoraDeltas}).
 */
final class DecoderModel implements Model {
    private final GgufFile file;
    private final DecoderConfig c;
    private final DecoderWeights w;
    private final Tokenizer tokenizer;
    private final ModelOptions options;
    private final Kernels kernels;
    private final DecoderState s;
    private final LoraDeltas lora;
    private final float attentionScale;
    private final Batch single = new Batch(); // the one-sequence batch of forward(KvCache, …)

    DecoderModel(GgufFile file, DecoderConfig config, DecoderWeights weights, Tokenizer tokenizer, ModelOptions options) {
        this.file = file;
        this.c = config;
        this.w = weights;
        this.tokenizer = tokenizer;
        this.options = options;
        this.kernels = options.kernels();
        this.s = new DecoderState(config, options.batchSize());
        this.lora = new LoraDeltas(kernels, options.batchSize());
        this.attentionScale = (float) (1.0 / Math.sqrt(config.headDim()));
    }

    @Override
    public void forward(KvCache cache, int[] tokens, float[] logits) {
        check(cache, tokens, logits, c.vocabularySize());
        for (int from = 0; from < tokens.length; from += s.batch) {
            int T = Math.min(s.batch, tokens.length - from);
            single.clear();
            single.add(cache, tokens, from, T);
            transformer(single);
            if (from + T == tokens.length) {
                classify(T - 1, 1, logits, 0);
            }
        }
    }

    @Override
    public void forwardAll(KvCache cache, int[] tokens, float[] logits) {
        check(cache, tokens, logits, (long) tokens.length * c.vocabularySize());
        for (int from = 0; from < tokens.length; from += s.batch) {
            int T = Math.min(s.batch, tokens.length - from);
            single.clear();
            single.add(cache, tokens, from, T);
            transformer(single);
            classify(0, T, logits, from * c.vocabularySize());
        }
    }

    @Override
    public void forward(Batch batch, float[] logits) {
        int sequences = batch.sequences();
        if (sequences == 0 || batch.size() > s.batch) {
            throw new IllegalArgumentException("a batch of " + batch.size() + " tokens in " + sequences
                    + " sequences; a step takes 1 to " + s.batch + " tokens");
        }
        if (logits.length < (long) sequences * c.vocabularySize()) {
            throw new IllegalArgumentException("logits buffer of " + logits.length + " floats; "
                    + (long) sequences * c.vocabularySize() + " needed");
        }
        for (int t = 0; t < batch.size(); t++) {
            checkToken(batch.token(t), t);
        }
        for (int i = 0; i < sequences; i++) {
            checkCache(batch.cache(i));
            if (batch.count(i) > batch.cache(i).remaining()) {
                batch.cache(i).requireRoom(batch.count(i)); // throws, naming the sizes
            }
        }
        transformer(batch);
        // each sequence's last hidden state, gathered into rows 0 .. sequences-1 of xb, then one product
        for (int i = 0; i < sequences; i++) {
            int last = batch.first(i) + batch.count(i) - 1;
            kernels.rmsNorm(s.xb, i * c.dim(), s.x, last * c.dim(), w.outputNorm(), c.rmsEps(), c.dim());
        }
        kernels.matMul(w.output(), s.xb, 0, logits, 0, sequences);
    }

    @Override
    public float[] embed(int[] tokens, Pooling pooling) {
        if (tokens.length > c.contextLength()) {
            throw new IllegalArgumentException("an input of " + tokens.length + " tokens; the context holds "
                    + c.contextLength());
        }
        float[] pooled = new float[c.dim()];
        try (KvCache cache = KvCache.allocate(c.layers(), c.kvHeads(), c.headDim(), c.valueDim(),
                Math.max(1, tokens.length), KvPrecision.F32)) {
            check(cache, tokens, pooled, 0);
            for (int from = 0; from < tokens.length; from += s.batch) {
                int T = Math.min(s.batch, tokens.length - from);
                single.clear();
                single.add(cache, tokens, from, T);
                transformer(single);
                for (int t = 0; t < T; t++) {
                    int position = from + t;
                    boolean wanted = switch (pooling) {
                        case MEAN -> true;
                        case CLS -> position == 0;
                        case LAST -> position == tokens.length - 1;
                    };
                    if (wanted) { // pooled += rmsnorm(x[t])
                        kernels.rmsNorm(s.xb, 0, s.x, t * c.dim(), w.outputNorm(), c.rmsEps(), c.dim());
                        kernels.add(pooled, 0, s.xb, 0, c.dim());
                    }
                }
            }
        }
        double norm = 0;
        for (float v : pooled) {
            norm += (double) v * v;
        }
        if (norm > 0) {
            kernels.scale(pooled, 0, (float) (1 / Math.sqrt(norm)), pooled.length);
        }
        return pooled;
    }

    @Override
    public int maxBatchTokens() {
        return s.batch;
    }

    /**
     * Runs the batch's {@code T} tokens through every block, each sequence's at its cache's next
     * positions, appending their keys and values; leaves the final hidden states in {@code s.x}.
     * Everything but attention runs on all {@code T} rows at once; attention runs per sequence,
     * over that sequence's cache.
     */
    private void transformer(Batch b) {
        int dim = c.dim();
        int T = b.size();
        for (int i = 0; i < b.sequences(); i++) {
            b.cache(i).requireRoom(b.count(i)); // takes the KV blocks the new positions need
        }
        boolean adapted = LoraDeltas.anyIn(b);
        // x[T][dim] = the tokens' embedding rows
        for (int t = 0; t < T; t++) {
            w.tokenEmbedding().dequantizeRow(b.token(t), s.x, t * dim);
        }
        for (int l = 0; l < c.layers(); l++) {
            DecoderWeights.Layer layer = w.layers().get(l);

            // attention: q, k, v = Wq·xb, Wk·xb, Wv·xb with xb = rmsnorm(x)
            rmsNormRows(s.xb, s.x, layer.attentionNorm(), T, dim);
            kernels.matMul(layer.wq(), s.xb, 0, s.q, 0, T);   // q[T][heads·headDim]
            kernels.matMul(layer.wk(), s.xb, 0, s.k, 0, T);   // k[T][kvHeads·headDim]
            kernels.matMul(layer.wv(), s.xb, 0, s.v, 0, T);   // v[T][kvHeads·valueDim]
            if (adapted) { // LoRA: q, k, v += s·B·(A·xb), each sequence its own adapters
                lora.add(b, l, LoraTarget.ATTN_Q, s.xb, s.q);
                lora.add(b, l, LoraTarget.ATTN_K, s.xb, s.k);
                lora.add(b, l, LoraTarget.ATTN_V, s.xb, s.v);
            }
            if (layer.qBias() != null) { // Qwen2
                addToRows(s.q, layer.qBias(), T);
                addToRows(s.k, layer.kBias(), T);
                addToRows(s.v, layer.vBias(), T);
            }
            if (layer.qNorm() != null) { // Qwen3: each head normalised on its own
                rmsNormRows(s.q, s.q, layer.qNorm(), T * c.heads(), c.headDim());
                rmsNormRows(s.k, s.k, layer.kNorm(), T * c.kvHeads(), c.headDim());
            }
            s.attention.clear();
            for (int i = 0; i < b.sequences(); i++) {
                KvCache cache = b.cache(i);
                int first = b.first(i);
                int start = cache.size();
                // RoPE: rotate each query and key head by its token's position in its sequence
                float[] inv = c.rope().invFrequencies();
                for (int t = first; t < first + b.count(i); t++) {
                    int position = start + t - first;
                    kernels.rope(s.q, t * c.qDim(), c.heads(), c.headDim(), position, inv, c.rope().neox());
                    kernels.rope(s.k, t * c.kvDim(), c.kvHeads(), c.headDim(), position, inv, c.rope().neox());
                    // the cache takes this token's keys and values at its position
                    for (int g = 0; g < c.kvHeads(); g++) {
                        cache.store(l, g, position, s.k, t * c.kvDim() + g * c.headDim(),
                                s.v, t * c.kvValueDim() + g * c.valueDim());
                    }
                }
                s.attention.add(first, b.count(i), start, cache.keys(l), cache.values(l));
            }
            // att[T][heads·valueDim]: each query head over its KV head's positions 0 .. its own
            // (causal), each sequence over its own cache, all sequences in one call
            kernels.attention(s.attention, s.q, c.heads(), c.kvHeads(), attentionScale, s.att);
            kernels.matMul(layer.wo(), s.att, 0, s.xb, 0, T);    // xb[T][dim]
            if (adapted) {
                lora.add(b, l, LoraTarget.ATTN_OUTPUT, s.att, s.xb);
            }
            kernels.add(s.x, 0, s.xb, 0, T * dim);              // residual

            // feed-forward: x += Wdown · (silu(Wgate·xb) ⊙ Wup·xb) with xb = rmsnorm(x)
            rmsNormRows(s.xb, s.x, layer.ffnNorm(), T, dim);
            kernels.matMul(layer.gate(), s.xb, 0, s.hb, 0, T);  // hb[T][ffnDim]
            kernels.matMul(layer.up(), s.xb, 0, s.hb2, 0, T);   // hb2[T][ffnDim]
            if (adapted) {
                lora.add(b, l, LoraTarget.FFN_GATE, s.xb, s.hb);
                lora.add(b, l, LoraTarget.FFN_UP, s.xb, s.hb2);
            }
            kernels.swiGlu(s.hb, 0, s.hb2, 0, T * c.ffnDim());
            kernels.matMul(layer.down(), s.hb, 0, s.xb, 0, T);  // xb[T][dim]
            if (adapted) {
                lora.add(b, l, LoraTarget.FFN_DOWN, s.hb, s.xb);
            }
            kernels.add(s.x, 0, s.xb, 0, T * dim);              // residual
        }
        for (int i = 0; i < b.sequences(); i++) {
            b.cache(i).advance(b, i);
        }
    }

    /** {@code logits[count][vocab] = Wout · rmsnorm(x[first .. first+count))}, from {@code offset}. */
    private void classify(int first, int count, float[] logits, int offset) {
        for (int i = 0; i < count; i++) {
            kernels.rmsNorm(s.xb, i * c.dim(), s.x, (first + i) * c.dim(), w.outputNorm(), c.rmsEps(), c.dim());
        }
        kernels.matMul(w.output(), s.xb, 0, logits, offset, count);
    }

    /** {@code out[r] = rmsnorm(x[r]) · weight} for {@code rows} rows of {@code n}; in place when out is x. */
    private void rmsNormRows(float[] out, float[] x, float[] weight, int rows, int n) {
        for (int r = 0; r < rows; r++) {
            kernels.rmsNorm(out, r * n, x, r * n, weight, c.rmsEps(), n);
        }
    }

    /** {@code y[t] += bias} for each of {@code T} rows of {@code bias.length}. */
    private void addToRows(float[] y, float[] bias, int T) {
        for (int t = 0; t < T; t++) {
            kernels.add(y, t * bias.length, bias, 0, bias.length);
        }
    }

    private void check(KvCache cache, int[] tokens, float[] logits, long logitsNeeded) {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("no tokens to run");
        }
        for (int i = 0; i < tokens.length; i++) {
            checkToken(tokens[i], i);
        }
        if (logits.length < logitsNeeded) {
            throw new IllegalArgumentException("logits buffer of " + logits.length + " floats; "
                    + logitsNeeded + " needed");
        }
        checkCache(cache);
        if (tokens.length > cache.remaining()) {
            cache.requireRoom(tokens.length); // throws, naming the sizes
        }
    }

    private void checkToken(int token, int index) {
        if (token < 0 || token >= c.vocabularySize()) {
            throw new IllegalArgumentException("token id " + token + " at index " + index
                    + " is outside the vocabulary of " + c.vocabularySize());
        }
    }

    private void checkCache(KvCache cache) {
        if (cache.layers() != c.layers() || cache.kvHeads() != c.kvHeads()
                || cache.keyDim() != c.headDim() || cache.valueDim() != c.valueDim()) {
            throw new IllegalArgumentException("KV cache of " + cache.layers() + " layers × " + cache.kvHeads()
                    + " heads × " + cache.keyDim() + "/" + cache.valueDim() + " does not fit this model's "
                    + c.layers() + " × " + c.kvHeads() + " × " + c.headDim() + "/" + c.valueDim());
        }
        checkLora(cache.lora());
    }

    private void checkLora(LoraSet set) {
        if (!set.fits(file)) {
            throw new IllegalArgumentException("LoRA adapters (" + set + ") were checked against another model than "
                    + file.path() + "; get them from this model's lora()");
        }
    }

    @Override
    public LoraSet lora(List<ScaledLora> adapters) {
        return LoraSet.bind(file, adapters);
    }

    @Override
    public KvBlockPool newBlockPool(long memoryBudget, int blockSize, KvPrecision precision) {
        long perBlock = KvBlockPool.blockBytes(c.layers(), c.kvHeads(), c.headDim(), c.valueDim(), blockSize, precision);
        long blocks = memoryBudget / perBlock;
        if (blocks < 1) {
            throw new IllegalArgumentException("a KV memory budget of " + memoryBudget + " bytes holds no block of "
                    + blockSize + " positions (" + perBlock + " bytes each)");
        }
        return KvBlockPool.allocate(c.layers(), c.kvHeads(), c.headDim(), c.valueDim(), blockSize,
                (int) Math.min(Integer.MAX_VALUE / 2, blocks), precision, true);
    }

    @Override
    public KvCache newCache(int contextLength, KvPrecision precision, LoraSet adapters) {
        checkLora(adapters);
        if (contextLength <= 0) {
            throw new IllegalArgumentException("context length must be positive, got " + contextLength);
        }
        if (contextLength > c.contextLength()) {
            throw new ModelLoadException(file.path(), c.architecture() + ".context_length", "a context of "
                    + contextLength + " positions was requested; the model allows at most " + c.contextLength());
        }
        return KvCache.allocate(c.layers(), c.kvHeads(), c.headDim(), c.valueDim(), contextLength, precision, adapters);
    }

    @Override
    public KvCache newCache(LoraSet adapters) {
        long perPosition = KvCache.bytes(c.layers(), c.kvHeads(), c.headDim(), c.valueDim(), 1, options.kvPrecision());
        long fits = options.kvMemoryBudget() / perPosition;
        if (fits < 1) {
            throw new IllegalStateException("a KV memory budget of " + options.kvMemoryBudget()
                    + " bytes holds no position (" + perPosition + " bytes each)");
        }
        return newCache((int) Math.min(c.contextLength(), fits), options.kvPrecision(), adapters);
    }

    @Override
    public ModelInfo info() {
        String name = file.metadata().findString("general.name").orElse(file.path().getFileName().toString());
        return new ModelInfo(c.architecture(), name, c.vocabularySize(), c.contextLength(), c.dim(), c.layers(),
                c.heads(), c.kvHeads(), c.headDim(), c.ffnDim());
    }

    @Override
    public GgufMetadata metadata() {
        return file.metadata();
    }

    @Override
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public void close() {
        file.close();
    }
}
