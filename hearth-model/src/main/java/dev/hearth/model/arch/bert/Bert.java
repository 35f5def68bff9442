package dev.hearth.model.arch.bert;

import dev.hearth.compute.tensor.Tensor;
import dev.hearth.model.arch.bert.BertWeights.FeedForward;
import dev.hearth.model.arch.bert.BertWeights.Linear;
import dev.hearth.model.arch.bert.BertWeights.Norm;
import dev.hearth.model.arch.bert.BertWeights.Positions;
import dev.hearth.model.arch.bert.BertWeights.Qkv;
import dev.hearth.model.arch.transformer.ModelTensors;
import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.runtime.EmbeddingModel;
import dev.hearth.model.runtime.ModelOptions;
import dev.hearth.model.runtime.Pooling;
import dev.hearth.model.runtime.spi.EmbeddingArchitecture;

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
        // BERT's own pooling is its [CLS] position; llama.cpp's converter states it for sentence-transformers models
        BertConfig c = BertConfig.read(file, ARCH, Pooling.CLS);
        ModelTensors tensors = new ModelTensors(file);
        Tensor tokenEmbedding = tensors.matrixWithRowLength("token_embd.weight", c.dim());   // [vocab][dim]
        int dim = c.dim();
        List<BertWeights.Layer> layers = new ArrayList<>();
        for (int i = 0; i < c.layers(); i++) {
            layers.add(new BertWeights.Layer(
                    new Qkv.Separate(linear(tensors, blk(i, "attn_q"), dim, dim),
                            linear(tensors, blk(i, "attn_k"), dim, dim),
                            linear(tensors, blk(i, "attn_v"), dim, dim)),
                    linear(tensors, blk(i, "attn_output"), dim, dim),
                    Norm.read(tensors, blk(i, "attn_output_norm"), dim),
                    new FeedForward.Gelu(linear(tensors, blk(i, "ffn_up"), c.ffnDim(), dim),
                            linear(tensors, blk(i, "ffn_down"), dim, c.ffnDim())),
                    Norm.read(tensors, blk(i, "layer_output_norm"), dim)));
        }
        BertWeights weights = new BertWeights(tokenEmbedding,
                new Positions.Learned(tensors.matrix("position_embd.weight", c.contextLength(), dim)),
                BertWeights.firstTokenType(tensors, dim),
                Norm.read(tensors, "token_embd_norm", dim),
                layers);
        return BertEncoder.create(file, c.withVocabularySize(tokenEmbedding.rows()), weights, options);
    }

    /** {@code {name}.weight [rows][cols]} and its optional {@code {name}.bias [rows]}. */
    static Linear linear(ModelTensors tensors, String name, int rows, int cols) {
        return new Linear(tensors.matrix(name + ".weight", rows, cols), tensors.optionalVector(name + ".bias", rows));
    }
}
