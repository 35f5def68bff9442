package dev.hearth.model.tokenizer;

import dev.hearth.model.gguf.GgufMetadata;

import java.util.Map;
import java.util.function.Function;

/** Builds the tokenizer a GGUF file names in {@code tokenizer.ggml.model}. */
public final class Tokenizers {

    // tokenizer.ggml.model → the algorithm that reads it, as llama.cpp names them
    private static final Map<String, Function<GgufMetadata, Tokenizer>> BY_MODEL = Map.of(
            "llama", SentencePieceTokenizer::fromGguf,
            "gpt2", BytePairTokenizer::fromGguf,
            "bert", WordPieceTokenizer::fromGguf);

    private Tokenizers() {
    }

    /**
     * The tokenizer {@code metadata} describes.
     *
     * @throws dev.hearth.model.gguf.GgufFormatException naming {@code tokenizer.ggml.model} when it
     *     is missing or names an algorithm Hearth does not have, or naming the key that is malformed
     * @throws IllegalArgumentException for a BPE pre-tokenizer ({@code tokenizer.ggml.pre}) Hearth
     *     does not have
     */
    public static Tokenizer fromGguf(GgufMetadata metadata) {
        String model = metadata.getString(GgufVocabularies.MODEL);
        Function<GgufMetadata, Tokenizer> factory = BY_MODEL.get(model);
        if (factory == null) {
            throw metadata.problem(GgufVocabularies.MODEL, "unsupported tokenizer '" + model
                    + "' (expected one of " + String.join(", ", new java.util.TreeSet<>(BY_MODEL.keySet())) + ")");
        }
        return factory.apply(metadata);
    }
}
