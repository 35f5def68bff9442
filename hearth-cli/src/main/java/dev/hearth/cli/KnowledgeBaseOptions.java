package dev.hearth.cli;

import dev.hearth.kb.KnowledgeBases;
import dev.hearth.kb.embed.Embedder;
import dev.hearth.kb.embed.Embedders;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/**
 * What every command that touches knowledge bases shares: where they live and which embedding
 * model their vectors come from. A picocli mixin.
 */
final class KnowledgeBaseOptions {

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where knowledge bases, their metadata and the embedding model's converted file live"
                    + " (default: ~/.hearth).")
    Path dataDir;

    @Option(names = "--embedding-model", paramLabel = "FILE.gguf",
            description = "A GGUF embedding model (BERT-family, e.g. bge-m3) instead of the built-in bge-small-zh-v1.5."
                    + " A knowledge base keeps the model it was built with.")
    Path embeddingModel;

    Path dataDir() {
        return dataDir != null ? dataDir : Path.of(System.getProperty("user.home"), ".hearth");
    }

    /** The embedder: the file given, or the built-in model (converted into DATA_DIR/models on first use). */
    Embedder embedder() throws IOException {
        return embeddingModel != null ? Embedders.open(embeddingModel) : Embedders.defaultModel(dataDir().resolve("models"));
    }

    /** The knowledge bases under the data directory, with the embedder (which they close). */
    KnowledgeBases open() throws IOException {
        return KnowledgeBases.open(dev.hearth.kb.KnowledgeBaseOptions.defaults(dataDir()), embedder());
    }
}
