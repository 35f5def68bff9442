package dev.hearth.serve.engine;

import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.model.gguf.GgufMetadata;
import dev.hearth.model.gguf.GgufSummary;

import java.util.Comparator;
import java.util.Map;

/**
 * The name of a model file's weight type, as llama.cpp and Ollama show it ({@code Q4_K_M}, {@code F16}).
 * Public because the Ollama API names it for models that are not loaded, with no engine to ask.
 */
public final class FileTypes {
    // llama.cpp's llama_ftype numbers, as general.file_type holds them
    private static final Map<Long, String> NAMES = Map.ofEntries(Map.entry(0L, "F32"), Map.entry(1L, "F16"),
            Map.entry(2L, "Q4_0"), Map.entry(3L, "Q4_1"), Map.entry(7L, "Q8_0"), Map.entry(8L, "Q5_0"),
            Map.entry(9L, "Q5_1"), Map.entry(10L, "Q2_K"), Map.entry(11L, "Q3_K_S"), Map.entry(12L, "Q3_K_M"),
            Map.entry(13L, "Q3_K_L"), Map.entry(14L, "Q4_K_S"), Map.entry(15L, "Q4_K_M"), Map.entry(16L, "Q5_K_S"),
            Map.entry(17L, "Q5_K_M"), Map.entry(18L, "Q6_K"), Map.entry(25L, "IQ4_NL"), Map.entry(30L, "IQ4_XS"),
            Map.entry(32L, "BF16"));

    private FileTypes() {
    }

    /** {@code general.file_type}'s name, or else the type that holds most of the weights' bytes. */
    public static String name(GgufMetadata metadata, GgufSummary summary) {
        var fileType = metadata.findLong("general.file_type");
        String named = fileType.isPresent() ? NAMES.get(fileType.getAsLong()) : null;
        return named != null ? named : summary.typeMix().entrySet().stream()
                        .max(Comparator.comparingLong(e -> e.getValue().bytes()))
                        .map(Map.Entry::getKey).map(GgmlType::name).orElse("unknown");
    }
}
