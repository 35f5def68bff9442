package dev.hearth.model.runtime.spi;

import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.runtime.EmbeddingModel;
import dev.hearth.model.runtime.ModelOptions;

/**
 * An embedding-only architecture (an encoder without a language-model head, such as BERT): it
 * reads its hyperparameters and tensors from a GGUF file and builds an {@link EmbeddingModel}.
 * Registered with {@link java.util.ServiceLoader} (a line in
 * {@code META-INF/services/dev.hearth.model.runtime.spi.EmbeddingArchitecture});
 * {@link dev.hearth.model.runtime.Models#openEmbedding} picks the one whose {@link #name()} equals
 * the file's {@code general.architecture}.
 */
public interface EmbeddingArchitecture {

    /** The {@code general.architecture} value this architecture reads, e.g. {@code bert}. */
    String name();

    /**
     * Builds the model from an open file, validating everything first: a missing tensor, a wrong
     * shape or type, or an impossible hyperparameter is a
     * {@link dev.hearth.model.runtime.ModelLoadException} naming it. The model owns {@code file}
     * and closes it on {@link EmbeddingModel#close()}; on failure the caller closes it.
     */
    EmbeddingModel load(GgufFile file, ModelOptions options);
}
