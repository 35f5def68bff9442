package dev.hearth.model.arch.llama;

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

/**
 * {@code general.architecture = llama}: Llama 2, 3, 3.1 and 3.2, Mistral, TinyLlama, and llama2.c
 * checkpoints converted to GGUF. The shared decoder as it is, with:
 * <ul>
 * <li>RoPE on adjacent pairs ("normal"; the converter permuted Q and K to match);
 * <li>Llama 3.1's long-context frequencies: when {@code rope_freqs.weight} ({@code [ropeDims/2]})
 *     is present, each pair's frequency is divided by its factor;
 * <li>linear RoPE scaling ({@code llama.rope.scaling.type = linear}, read by {@link Hyperparameters});
 * <li>the output projection tied to the token embedding when {@code output.weight} is absent.
 * </ul>
 */
public final class Llama implements Architecture {
    static final String ARCH = "llama";

    @Override
    public String name() {
        return ARCH;
    }

    @Override
    public Model load(GgufFile file, ModelOptions options) {
        Hyperparameters hp = Hyperparameters.read(file, ARCH);
        ModelTensors tensors = new ModelTensors(file);

        Tensor embedding = tensors.matrixWithRowLength("token_embd.weight", hp.dim());   // [vocab][dim]
        float[] ropeFactors = tensors.optionalVector("rope_freqs.weight", hp.ropeDims() / 2);
        Rope rope = Rope.of(hp.ropeDims(), hp.ropeTheta(), hp.ropeFreqScale(), ropeFactors, false);
        DecoderConfig config = hp.config(embedding.rows(), rope);

        List<DecoderWeights.Layer> layers = new ArrayList<>();
        for (int i = 0; i < config.layers(); i++) {
            layers.add(DecoderWeights.Layer.read(tensors, config, i));
        }
        DecoderWeights weights = new DecoderWeights(embedding, layers,
                tensors.vector("output_norm.weight", config.dim()),
                tensors.optionalMatrix("output.weight", config.vocabularySize(), config.dim()).orElse(embedding));
        return Decoder.create(file, config, weights, options);
    }
}
