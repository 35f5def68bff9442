package dev.hearth.model.runtime.spi;

import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.runtime.Model;
import dev.hearth.model.runtime.ModelOptions;

/**
 * One model architecture Hearth can run: it reads its hyperparameters and tensors from a GGUF
 * file and builds the model. Registered with {@link java.util.ServiceLoader} (a line in
 * {@code META-INF/services/dev.hearth.model.runtime.spi.Architecture}); {@link
 * dev.hearth.model.runtime.Models} picks the one whose {@link #name()} equals the file's
 * {@code general.architecture}.
 */
public interface Architecture {

    /** The {@code general.architecture} value this architecture reads, e.g. {@code llama}. */
    String name();

    /**
     * Builds the model from an open file. Validates everything before returning: a missing
     * tensor, a wrong shape or type, or an impossible hyperparameter is a
     * {@link dev.hearth.model.runtime.ModelLoadException} naming it.
     *
     * <p>The returned model owns {@code file} and closes it on {@link Model#close()}; on failure the
     * caller closes it.
     */
    Model load(GgufFile file, ModelOptions options);
}
