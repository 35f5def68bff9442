package dev.hearth.train;

import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.gguf.GgufValue;
import dev.hearth.model.gguf.GgufWriter;
import dev.hearth.model.tokenizer.Tokenizer;
import dev.hearth.model.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The tokenizer a model is trained with, and how it is written into the model's GGUF so that
 * Hearth and llama.cpp tokenize exactly as the training did.
 *
 * @param metadata writes the {@code tokenizer.*} keys
 * @param source where it came from, for messages
 */
public record TrainingTokenizer(Tokenizer tokenizer, Consumer<GgufWriter> metadata, String source) {

    /**
     * The vocabulary of a GGUF file (a model or a vocabulary-only file): its {@code tokenizer.*}
     * keys are copied as they are.
     */
    public static TrainingTokenizer fromGguf(Path file) throws IOException {
        try (GgufFile gguf = GgufFile.open(file)) {
            Tokenizer tokenizer = Tokenizers.fromGguf(gguf.metadata());
            Map<String, GgufValue> keys = new LinkedHashMap<>();
            gguf.metadata().asMap().forEach((key, value) -> {
                if (key.startsWith("tokenizer.")) {
                    keys.put(key, value);
                }
            });
            return new TrainingTokenizer(tokenizer, writer -> keys.forEach(writer::put), file.toString());
        }
    }

    public int vocabularySize() {
        return tokenizer.vocabulary().size();
    }
}
