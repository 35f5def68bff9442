package dev.hearth.model.arch.qwen2;

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
 * {@code general.architecture = qwen2}: Qwen 1.5, Qwen2 and Qwen2.5. The shared decoder with:
 * <ul>
 * <li>biases on the Q, K and V projections ({@code blk.N.attn_{q,k,v}.bias});
 * <li>RoPE on the NeoX halves {@code (k, k + headDim/2)};
 * <li>the output projection tied to the token embedding when {@code output.weight} is absent
 *     (the small models).
 * </ul>
 */
public final class Qwen2 implements Architecture {
    static final String ARCH = "qwen2";

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
            layers.add(DecoderWeights.Layer.read(tensors, config, i).withQkvBias(
                    tensors.vector(blk(i, "attn_q.bias"), config.qDim()),         // [heads·headDim]
                    tensors.vector(blk(i, "attn_k.bias"), config.kvDim()),        // [kvHeads·headDim]
                    tensors.vector(blk(i, "attn_v.bias"), config.kvValueDim()))); // [kvHeads·valueDim]
        }
        DecoderWeights weights = new DecoderWeights(embedding, layers,
                tensors.vector("output_norm.weight", config.dim()),
                tensors.optionalMatrix("output.weight", config.vocabularySize(), config.dim()).orElse(embedding));
        return Decoder.create(file, config, weights, options);
    }
}
