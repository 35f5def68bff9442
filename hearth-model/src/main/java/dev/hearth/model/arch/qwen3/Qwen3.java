package dev.hearth.model.arch.qwen3;

import dev.hearth.compute.tensor.Tensor;
import dev.hearth.model.arch.transformer.Decoder;
import dev.hearth.model.arch.transformer.DecoderConfig;
import dev.hearth.model.arch.transformer.DecoderWeights;
import dev.hearth.model.arch.transformer.Hyperparameters;
import dev.hearth.model.arch.transformer.ModelTensors;
import dev.hearth.model.arch.transformer.Rope;
import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.runtime.Model;
import dev.hearth.model.runtime.ModelOptions;
import dev.hearth.model.runtime.spi.Architecture;

import java.util.ArrayList;
import java.util.List;

import static dev.hearth.model.arch.transformer.DecoderWeights.blk;

/**
 * {@code general.architecture = qwen3}: the dense Qwen3 models. The shared decoder with:
 * <ul>
 * <li>an RMSNorm on every query and key head before RoPE ({@code blk.N.attn_q_norm.weight},
 *     {@code blk.N.attn_k_norm.weight}, each {@code [headDim]}), and no Q/K/V biases;
 * <li>a head dimension of its own, {@code qwen3.attention.key_length}, so {@code heads·headDim}
 *     may differ from the embedding width (Qwen3-0.6B: 16 × 128 against 1024);
 * <li>RoPE on the NeoX halves {@code (k, k + headDim/2)};
 * <li>the output projection tied to the token embedding when {@code output.weight} is absent.
 * </ul>
 */
public final class Qwen3 implements Architecture {
    static final String ARCH = "qwen3";

    @Override
    public String name() {
        return ARCH;
    }

    @Override
    public Model load(GgufFile file, ModelOptions options) {
        Hyperparameters hp = Hyperparameters.read(file, ARCH);
        ModelTensors tensors = new ModelTensors(file);

        Tensor embedding = tensors.matrixWithRowLength("token_embd.weight", hp.dim());   // [vocab][dim]
        Rope rope = Rope.of(hp.ropeDims(), hp.ropeTheta(), hp.ropeFreqScale(), null, true);
        DecoderConfig config = hp.config(embedding.rows(), rope);

        List<DecoderWeights.Layer> layers = new ArrayList<>();
        for (int i = 0; i < config.layers(); i++) {
            layers.add(DecoderWeights.Layer.read(tensors, config, i).withQkNorm(
                    tensors.vector(blk(i, "attn_q_norm.weight"), config.headDim()),   // [headDim]
                    tensors.vector(blk(i, "attn_k_norm.weight"), config.headDim()))); // [headDim]
        }
        DecoderWeights weights = new DecoderWeights(embedding, layers,
                tensors.vector("output_norm.weight", config.dim()),
                tensors.optionalMatrix("output.weight", config.vocabularySize(), config.dim()).orElse(embedding));
        return Decoder.create(file, config, weights, options);
    }
}
