package dev.hearth.serve.engine;

import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.gguf.GgufSummary;
import dev.hearth.model.runtime.Models;

import java.io.IOException;
import java.nio.file.Path;

/** Opens models as {@link InferenceEngine}s. */
public final class InferenceEngines {
    private InferenceEngines() {
    }

    /**
     * Opens the GGUF model at {@code path}: a generative model in a batching engine (with its
     * engine thread), an embedding model (a BERT-family encoder) in an engine that only embeds.
     *
     * @throws dev.hearth.model.runtime.ModelLoadException naming the key or tensor when the model is broken
     * @throws dev.hearth.model.gguf.GgufFormatException when the file is not well-formed GGUF
     * @throws IllegalArgumentException when the options ask for more context than the model allows,
     *     or the KV budget holds no block
     * @throws IOException when the file cannot be read
     */
    public static InferenceEngine open(Path path, EngineOptions options) throws IOException {
        GgufSummary summary;
        String fileType;
        try (GgufFile file = GgufFile.open(path)) {
            summary = GgufSummary.of(file);
            fileType = FileTypes.name(file.metadata(), summary);
        }
        return Models.embeddingArchitectures().contains(summary.architecture())
                ? EmbeddingEngine.open(path, options, summary, fileType)
                : BatchingEngine.open(path, options, summary, fileType);
    }
}
