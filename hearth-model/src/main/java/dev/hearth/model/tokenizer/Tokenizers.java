package dev.hearth.model.tokenizer;

import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.gguf.GgufMetadata;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * Builds the tokenizer a model file describes: from GGUF metadata ({@code tokenizer.ggml.model}
 * picks the algorithm) or from a Hugging Face {@code tokenizer.json}.
 */
public final class Tokenizers {
    private static final Map<String, Function<GgufMetadata, Tokenizer>> BY_GGUF_MODEL = Map.of(
            "llama", SentencePieceTokenizer::fromGguf,
            "gpt2", BytePairTokenizer::fromGguf,
            "bert", WordPieceTokenizer::fromGguf);

    private Tokenizers() {}

    /**
     * The tokenizer of a GGUF file's metadata.
     *
     * @throws dev.hearth.model.gguf.GgufFormatException if the tokenizer keys are missing or
     *     malformed, or name an algorithm Hearth does not implement
     */
    public static Tokenizer fromGguf(GgufMetadata metadata) {
        String model = metadata.getString(GgufVocabularies.MODEL);
        Function<GgufMetadata, Tokenizer> factory = BY_GGUF_MODEL.get(model);
        if (factory == null) {
            throw metadata.problem(GgufVocabularies.MODEL, "unsupported tokenizer '" + model
                    + "' (expected one of " + String.join(", ", BY_GGUF_MODEL.keySet().stream().sorted().toList()) + ")");
        }
        return factory.apply(metadata);
    }

    /**
     * The tokenizer in {@code file}: a {@code .gguf} model or vocabulary, a Hugging Face
     * {@code tokenizer.json}, or a folder holding {@code tokenizer.json}.
     */
    public static Tokenizer open(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            Path json = file.resolve("tokenizer.json");
            if (!Files.exists(json)) {
                throw new IOException(file + ": is a folder without tokenizer.json");
            }
            return HuggingFaceTokenizers.load(json);
        }
        if (file.getFileName().toString().endsWith(".json")) {
            return HuggingFaceTokenizers.load(file);
        }
        try (GgufFile gguf = GgufFile.open(file)) {
            return fromGguf(gguf.metadata());
        }
    }
}
