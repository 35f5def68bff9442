package dev.hearth.train;

import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.gguf.GgufValue;
import dev.hearth.model.gguf.GgufWriter;
import dev.hearth.model.tokenizer.HuggingFaceTokenizers;
import dev.hearth.model.tokenizer.Tokenizer;
import dev.hearth.model.tokenizer.Tokenizers;
import dev.hearth.train.tokenizer.TrainedTokenizer;
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

    /** A {@code .json} file is a tokenizer.json that {@code hearth tokenizer train} wrote; anything else a GGUF file. */
    public static TrainingTokenizer open(Path file) throws IOException {
        return file.getFileName().toString().endsWith(".json") ? fromTokenizerJson(file) : fromGguf(file);
    }

    /**
     * A byte-level BPE tokenizer trained by Hearth ({@link TrainedTokenizer}), written into the
     * model as llama.cpp writes Qwen2's vocabulary.
     */
    public static TrainingTokenizer fromTokenizerJson(Path file) throws IOException {
        TrainedTokenizer trained = TrainedTokenizer.read(file);
        return of(trained, HuggingFaceTokenizers.load(file), file.toString());
    }

    /** A tokenizer just trained and saved as {@code saved}. */
    public static TrainingTokenizer of(TrainedTokenizer trained, Tokenizer tokenizer, String source) {
        return new TrainingTokenizer(tokenizer, trained::putInto, source);
    }

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
