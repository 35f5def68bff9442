package dev.hearth.model.arch.bert;

import dev.hearth.compute.tensor.Tensor;
import dev.hearth.model.arch.transformer.ModelTensors;
import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.gguf.GgufMetadata;
import dev.hearth.model.runtime.EmbeddingModel;
import dev.hearth.model.runtime.ModelLoadException;
import dev.hearth.model.runtime.ModelOptions;
import dev.hearth.model.runtime.Pooling;
import dev.hearth.model.runtime.spi.EmbeddingArchitecture;
import dev.hearth.model.tokenizer.GgufVocabularies;
import dev.hearth.model.tokenizer.Tokenizer;
import dev.hearth.model.tokenizer.Tokenizers;

import java.util.ArrayList;
import java.util.List;

import static dev.hearth.model.arch.transformer.DecoderWeights.blk;

/**
 * {@code general.architecture = bert}: BERT-family sentence encoders (bge, all-MiniLM, …) in the
 * layout llama.cpp's converter writes: {@code token_embd}, {@code position_embd}, an optional
 * {@code token_types} table, {@code token_embd_norm}, and per block {@code attn_q/k/v/output},
 * {@code attn_output_norm}, {@code ffn_up/down} and {@code layer_output_norm}, with biases.
 * Biases and the token-type table are optional, as some converted models lack them.
 */
public final class Bert implements EmbeddingArchitecture {
    static final String ARCH = "bert";

    @Override
    public String name() {
        return ARCH;
    }

    @Override
    public EmbeddingModel load(GgufFile file, ModelOptions options) {
        BertConfig c = config(file);
        ModelTensors tensors = new ModelTensors(file);
        Tensor tokenEmbedding = tensors.matrixWithRowLength("token_embd.weight", c.dim());   // [vocab][dim]
        BertConfig config = new BertConfig(c.architecture(), tokenEmbedding.rows(), c.contextLength(), c.dim(),
                c.layers(), c.heads(), c.headDim(), c.ffnDim(), c.eps(), c.pooling());
        float[] tokenType = null;
        if (tensors.contains("token_types.weight")) {
            Tensor types = tensors.matrixWithRowLength("token_types.weight", c.dim());       // [types][dim]
            tokenType = new float[c.dim()];
            types.dequantizeRow(0, tokenType, 0);
        }
        List<BertWeights.Layer> layers = new ArrayList<>();
        for (int i = 0; i < c.layers(); i++) {
            layers.add(new BertWeights.Layer(
                    tensors.matrix(blk(i, "attn_q.weight"), c.dim(), c.dim()),
                    tensors.optionalVector(blk(i, "attn_q.bias"), c.dim()),
                    tensors.matrix(blk(i, "attn_k.weight"), c.dim(), c.dim()),
                    tensors.optionalVector(blk(i, "attn_k.bias"), c.dim()),
                    tensors.matrix(blk(i, "attn_v.weight"), c.dim(), c.dim()),
                    tensors.optionalVector(blk(i, "attn_v.bias"), c.dim()),
                    tensors.matrix(blk(i, "attn_output.weight"), c.dim(), c.dim()),
                    tensors.optionalVector(blk(i, "attn_output.bias"), c.dim()),
                    tensors.vector(blk(i, "attn_output_norm.weight"), c.dim()),
                    tensors.vector(blk(i, "attn_output_norm.bias"), c.dim()),
                    tensors.matrix(blk(i, "ffn_up.weight"), c.ffnDim(), c.dim()),
                    tensors.optionalVector(blk(i, "ffn_up.bias"), c.ffnDim()),
                    tensors.matrix(blk(i, "ffn_down.weight"), c.dim(), c.ffnDim()),
                    tensors.optionalVector(blk(i, "ffn_down.bias"), c.dim()),
                    tensors.vector(blk(i, "layer_output_norm.weight"), c.dim()),
                    tensors.vector(blk(i, "layer_output_norm.bias"), c.dim())));
        }
        BertWeights weights = new BertWeights(tokenEmbedding,
                tensors.matrix("position_embd.weight", c.contextLength(), c.dim()),         // [context][dim]
                tokenType,
                tensors.vector("token_embd_norm.weight", c.dim()),
                tensors.vector("token_embd_norm.bias", c.dim()),
                layers);
        Tokenizer tokenizer = Tokenizers.fromGguf(file.metadata());
        if (tokenizer.vocabulary().size() > config.vocabularySize()) {
            throw new ModelLoadException(file.path(), GgufVocabularies.TOKENS, tokenizer.vocabulary().size()
                    + " tokens, but token_embd.weight has only " + config.vocabularySize() + " rows");
        }
        return new BertEncoder(file, config, weights, tokenizer, options.kernels());
    }

    /** {@code bert.*}, checked; the vocabulary size is filled in from the embedding table later. */
    private static BertConfig config(GgufFile file) {
        GgufMetadata md = file.metadata();
        int contextLength = positive(file, "context_length", md.getInt(ARCH + ".context_length"));
        int dim = positive(file, "embedding_length", md.getInt(ARCH + ".embedding_length"));
        int layers = positive(file, "block_count", md.getInt(ARCH + ".block_count"));
        int ffnDim = positive(file, "feed_forward_length", md.getInt(ARCH + ".feed_forward_length"));
        int heads = positive(file, "attention.head_count", md.getInt(ARCH + ".attention.head_count"));
        if (dim % heads != 0) {
            throw problem(file, "attention.head_count", heads + " heads do not divide embedding_length " + dim);
        }
        float eps = (float) md.getDouble(ARCH + ".attention.layer_norm_epsilon");
        if (!(eps > 0)) {
            throw problem(file, "attention.layer_norm_epsilon", "must be positive, found " + eps);
        }
        if (md.findBoolean(ARCH + ".attention.causal").orElse(false)) {
            throw problem(file, "attention.causal", "true, but a BERT encoder attends both ways (expected false)");
        }
        // BERT's own pooling is its [CLS] position; llama.cpp's converter states it for sentence-transformers models
        Pooling pooling = Pooling.of(md, ARCH, Pooling.CLS);
        if (pooling == Pooling.LAST) {
            throw problem(file, "pooling_type", "3 (last), which a BERT encoder does not pool by (expected 1 mean or 2 cls)");
        }
        return new BertConfig(ARCH, 0, contextLength, dim, layers, heads, dim / heads, ffnDim, eps, pooling);
    }

    private static int positive(GgufFile file, String key, int value) {
        if (value <= 0) {
            throw problem(file, key, "must be positive, found " + value);
        }
        return value;
    }

    private static ModelLoadException problem(GgufFile file, String key, String message) {
        return new ModelLoadException(file.path(), ARCH + "." + key, message);
    }
}
