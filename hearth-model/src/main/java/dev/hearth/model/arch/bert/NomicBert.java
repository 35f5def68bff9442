package dev.hearth.model.arch.bert;

import dev.hearth.compute.tensor.Tensor;
import dev.hearth.model.arch.bert.BertWeights.FeedForward;
import dev.hearth.model.arch.bert.BertWeights.Norm;
import dev.hearth.model.arch.bert.BertWeights.Positions;
import dev.hearth.model.arch.bert.BertWeights.Qkv;
import dev.hearth.model.arch.transformer.ModelTensors;
import dev.hearth.model.arch.transformer.Rope;
import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.gguf.GgufMetadata;
import dev.hearth.model.runtime.EmbeddingModel;
import dev.hearth.model.runtime.ModelOptions;
import dev.hearth.model.runtime.Pooling;
import dev.hearth.model.runtime.spi.EmbeddingArchitecture;

import java.util.ArrayList;
import java.util.List;

import static dev.hearth.model.arch.transformer.DecoderWeights.blk;

/**
 * {@code general.architecture = nomic-bert}: nomic-embed-text v1 and v1.5, as llama.cpp's converter
 * writes them. A post-norm BERT encoder with three differences: no position table (queries and
 * keys are rotated instead, NeoX style, over the whole head, by {@code nomic-bert.rope.freq_base}),
 * one fused {@code attn_qkv} matrix, and a SwiGLU feed-forward ({@code ffn_gate}, {@code ffn_up},
 * {@code ffn_down}, no biases). Tensors: {@code token_embd}, an optional {@code token_types},
 * {@code token_embd_norm}, and per block {@code attn_qkv} (an optional bias),
 * {@code attn_output} (an optional bias), {@code attn_output_norm}, {@code ffn_gate/up/down}
 * and {@code layer_output_norm}. It pools by the mean unless {@code nomic-bert.pooling_type} says
 * otherwise. Its vocabulary is BERT's WordPiece.
 */
public final class NomicBert implements EmbeddingArchitecture {
    static final String ARCH = "nomic-bert";

    @Override
    public String name() {
        return ARCH;
    }

    @Override
    public EmbeddingModel load(GgufFile file, ModelOptions options) {
        BertConfig c = BertConfig.read(file, ARCH, Pooling.MEAN);
        ModelTensors tensors = new ModelTensors(file);
        Tensor tokenEmbedding = tensors.matrixWithRowLength("token_embd.weight", c.dim());   // [vocab][dim]
        int dim = c.dim();
        int ffnDim = c.ffnDim();
        List<BertWeights.Layer> layers = new ArrayList<>();
        for (int i = 0; i < c.layers(); i++) {
            layers.add(new BertWeights.Layer(
                    new Qkv.Fused(Bert.linear(tensors, blk(i, "attn_qkv"), 3 * dim, dim)),
                    Bert.linear(tensors, blk(i, "attn_output"), dim, dim),
                    Norm.read(tensors, blk(i, "attn_output_norm"), dim),
                    new FeedForward.SwiGlu(tensors.matrix(blk(i, "ffn_gate.weight"), ffnDim, dim),
                            tensors.matrix(blk(i, "ffn_up.weight"), ffnDim, dim),
                            tensors.matrix(blk(i, "ffn_down.weight"), dim, ffnDim)),
                    Norm.read(tensors, blk(i, "layer_output_norm"), dim)));
        }
        BertWeights weights = new BertWeights(tokenEmbedding,
                new Positions.Rotary(rope(file, c)),
                BertWeights.firstTokenType(tensors, dim),
                Norm.read(tensors, "token_embd_norm", dim),
                layers);
        return BertEncoder.create(file, c.withVocabularySize(tokenEmbedding.rows()), weights, options);
    }

    /**
     * NeoX-style rotation (llama.cpp's rope type for nomic-bert) of {@code rope.dimension_count}
     * elements of each head, default all of them, with base {@code rope.freq_base} (llama.cpp's
     * default 10000; nomic's converter always writes it, 1000 for v1.5). Scaling is refused: the
     * converter writes none, and it would change the angles.
     */
    private static Rope rope(GgufFile file, BertConfig c) {
        GgufMetadata md = file.metadata();
        int rotated = (int) md.findInt(ARCH + ".rope.dimension_count").orElse(c.headDim());
        if (rotated <= 0 || rotated % 2 != 0 || rotated > c.headDim()) {
            throw BertConfig.problem(file, ARCH, "rope.dimension_count",
                    "must be even and at most the head dimension " + c.headDim() + ", found " + rotated);
        }
        double theta = md.findDouble(ARCH + ".rope.freq_base").orElse(10000.0);
        if (!(theta > 0)) {
            throw BertConfig.problem(file, ARCH, "rope.freq_base", "must be positive, found " + theta);
        }
        String scaling = md.findString(ARCH + ".rope.scaling.type").orElse("none");
        if (!scaling.equals("none")) {
            throw BertConfig.problem(file, ARCH, "rope.scaling.type",
                    "RoPE scaling '" + scaling + "' is not supported by this encoder (expected none)");
        }
        return Rope.of(rotated, theta, 1f, null, true);
    }
}
