package dev.hearth.train.llama;

import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.compute.tensor.Shape;
import dev.hearth.model.gguf.GgufWriter;
import dev.hearth.train.llama.ParameterLayout.Slot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Writes a trained model as a llama.cpp {@code llama} GGUF with float32 tensors: the same
 * tensors, names and RoPE pairing (adjacent, "normal") that {@link LlamaParameters#weights()} gives
 * {@link TrainableLlama},
 * so Hearth and llama.cpp give the logits of the training's forward pass.
 */
public final class LlamaGguf {
    private LlamaGguf() {}

    /**
     * @param tokenizerMetadata writes the {@code tokenizer.*} keys of the vocabulary trained with
     */
    public static void write(LlamaParameters model, String name, Consumer<GgufWriter> tokenizerMetadata, Path output)
            throws IOException {
        LlamaShape s = model.shape();
        GgufWriter gguf = new GgufWriter();
        gguf.putString("general.architecture", "llama");
        gguf.putString("general.name", name);
        gguf.putUInt32("general.file_type", 0); // all F32
        gguf.putUInt32("llama.context_length", s.contextLength());
        gguf.putUInt32("llama.embedding_length", s.dim());
        gguf.putUInt32("llama.feed_forward_length", s.ffnDim());
        gguf.putUInt32("llama.block_count", s.layers());
        gguf.putUInt32("llama.attention.head_count", s.heads());
        gguf.putUInt32("llama.attention.head_count_kv", s.kvHeads());
        gguf.putUInt32("llama.rope.dimension_count", s.headDim());
        gguf.putFloat32("llama.rope.freq_base", (float) s.ropeTheta());
        gguf.putFloat32("llama.attention.layer_norm_rms_epsilon", s.rmsEps());
        gguf.putUInt32("llama.vocab_size", s.vocabularySize());
        tokenizerMetadata.accept(gguf);
        // a tied output is token_embd's slot and is not written twice: llama.cpp then uses token_embd
        for (Slot slot : model.layout().slots()) {
            Shape shape = slot.rows() == 1 ? Shape.of(slot.cols()) : Shape.of(slot.cols(), slot.rows());
            gguf.addTensor(slot.name(), GgmlType.F32, shape, slot.segment(model.values()));
        }
        gguf.write(output);
    }
}
