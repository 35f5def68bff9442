package dev.hearth.model.gguf;

import dev.hearth.compute.tensor.GgmlType;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a person wants to know about a model file at a glance, derived from its metadata and
 * tensor directory.
 *
 * @param parameterCount elements over all tensors
 * @param typeMix per tensor type: how many tensors and how many bytes
 * @param contextLength {@code <arch>.context_length}, if present
 * @param tokenizerModel {@code tokenizer.ggml.model} (llama, gpt2, bert, …), if present
 * @param tokenizerPre {@code tokenizer.ggml.pre}, if present
 * @param vocabularySize entries of {@code tokenizer.ggml.tokens}, 0 without a vocabulary
 */
public record GgufSummary(
        String file,
        int version,
        String architecture,
        Optional<String> name,
        long parameterCount,
        Map<GgmlType, TypeShare> typeMix,
        OptionalLong contextLength,
        Optional<String> tokenizerModel,
        Optional<String> tokenizerPre,
        int vocabularySize,
        boolean hasChatTemplate,
        int tensorCount,
        long fileSize) {

    /** Tensors of one type: how many and their bytes. */
    public record TypeShare(int tensors, long bytes) {}

    public static GgufSummary of(GgufFile gguf) {
        GgufMetadata md = gguf.metadata();
        String arch = md.findString("general.architecture").orElse("unknown");
        long params = 0;
        Map<GgmlType, TypeShare> mix = new EnumMap<>(GgmlType.class);
        for (GgufTensorInfo t : gguf.tensors()) {
            params += t.elementCount();
            mix.merge(t.type(), new TypeShare(1, t.byteSize()),
                    (a, b) -> new TypeShare(a.tensors() + b.tensors(), a.bytes() + b.bytes()));
        }
        int vocab = md.findArray("tokenizer.ggml.tokens").map(a -> a.elements().size()).orElse(0);
        return new GgufSummary(
                gguf.path().toString(),
                gguf.version(),
                arch,
                md.findString("general.name"),
                params,
                Collections.unmodifiableMap(mix),
                md.findLong(arch + ".context_length"),
                md.findString("tokenizer.ggml.model"),
                md.findString("tokenizer.ggml.pre"),
                vocab,
                md.contains("tokenizer.chat_template"),
                gguf.tensors().size(),
                gguf.fileSize());
    }
}
