package dev.hearth.train.lora;

import dev.hearth.compute.tensor.Tensor;
import dev.hearth.model.arch.transformer.DecoderConfig;
import dev.hearth.model.arch.transformer.DecoderWeights;
import dev.hearth.model.arch.transformer.Hyperparameters;
import dev.hearth.model.arch.transformer.ModelTensors;
import dev.hearth.model.arch.transformer.Rope;
import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.runtime.ModelLoadException;
import dev.hearth.train.llama.LlamaShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A downloaded model's weights, frozen, as fine-tuning computes with them: mapped from its GGUF
 * file in the types the file stores (F16, Q8_0, Q4_0, Q4_K …). Fine-tuning supports the
 * architectures whose layers {@link dev.hearth.train.llama.TrainableLlama} computes: {@code llama}
 * and {@code qwen2} (biases on Q/K/V, NeoX RoPE); any other is refused, naming it.
 */
record BaseModel(String architecture, LlamaShape shape, Rope rope, DecoderWeights weights) {
    static final Set<String> ARCHITECTURES = Set.of("llama", "qwen2");

    /** @throws ModelLoadException naming the file and what fine-tuning cannot use */
    static BaseModel read(GgufFile file) {
        String arch = file.metadata().findString("general.architecture").orElse("(none)");
        if (!ARCHITECTURES.contains(arch)) {
            throw new ModelLoadException(file.path(), "general.architecture", "'" + arch
                    + "' cannot be fine-tuned; Hearth fine-tunes " + String.join(" and ", new java.util.TreeSet<>(ARCHITECTURES))
                    + " models");
        }
        Hyperparameters hp = Hyperparameters.read(file, arch);
        if (hp.headDim() * hp.heads() != hp.dim() || hp.valueDim() != hp.headDim()) {
            throw new ModelLoadException(file.path(), arch + ".attention.key_length", "heads of " + hp.headDim()
                    + " (values " + hp.valueDim() + ") in a model of width " + hp.dim() + " with " + hp.heads()
                    + " heads; fine-tuning needs heads of width / heads");
        }
        ModelTensors tensors = new ModelTensors(file);
        Tensor embedding = tensors.matrixWithRowLength("token_embd.weight", hp.dim());
        boolean qwen = arch.equals("qwen2");
        float[] factors = qwen ? null : tensors.optionalVector("rope_freqs.weight", hp.ropeDims() / 2);
        Rope rope = Rope.of(hp.ropeDims(), hp.ropeTheta(), hp.ropeFreqScale(), factors, qwen);
        DecoderConfig c = hp.config(embedding.rows(), rope);
        List<DecoderWeights.Layer> layers = new ArrayList<>();
        for (int i = 0; i < c.layers(); i++) {
            DecoderWeights.Layer layer = DecoderWeights.Layer.read(tensors, c, i);
            if (qwen) {
                layer = layer.withQkvBias(tensors.vector(DecoderWeights.blk(i, "attn_q.bias"), c.qDim()),
                        tensors.vector(DecoderWeights.blk(i, "attn_k.bias"), c.kvDim()),
                        tensors.vector(DecoderWeights.blk(i, "attn_v.bias"), c.kvValueDim()));
            }
            layers.add(layer);
        }
        var output = tensors.optionalMatrix("output.weight", c.vocabularySize(), c.dim());
        DecoderWeights weights = new DecoderWeights(embedding, layers, tensors.vector("output_norm.weight", c.dim()),
                output.orElse(embedding));
        LlamaShape shape = new LlamaShape(c.vocabularySize(), c.contextLength(), c.dim(), c.layers(), c.heads(),
                c.kvHeads(), c.ffnDim(), hp.ropeTheta(), c.rmsEps(), output.isEmpty());
        return new BaseModel(arch, shape, rope, weights);
    }
}
