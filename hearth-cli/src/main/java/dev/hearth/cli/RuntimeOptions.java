package dev.hearth.cli;

import dev.hearth.compute.kernels.Kernels;
import dev.hearth.compute.kernels.ScalarKernels;
import dev.hearth.model.runtime.KvCache;
import dev.hearth.model.runtime.KvPrecision;
import dev.hearth.model.runtime.Model;
import dev.hearth.model.runtime.ModelOptions;

import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** How the commands that run a model run it: threads, context length, KV-cache precision. */
final class RuntimeOptions {

    @Option(names = "--threads", paramLabel = "K", description = "Threads for the matrix products (default: one per processor).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--ctx", paramLabel = "C",
            description = "Context length, in tokens (default: the model's, as far as a quarter of the RAM holds).")
    Integer contextLength;

    @Option(names = "--kv", paramLabel = "f16|f32", defaultValue = "f16",
            description = "Precision of the KV cache (default: ${DEFAULT-VALUE}).")
    KvPrecision kvPrecision;

    /** @throws ParameterException naming a bad {@code --threads} or {@code --ctx} */
    ModelOptions modelOptions(CommandLine commandLine) {
        if (threads < 1) {
            throw new ParameterException(commandLine, "Invalid value for option '--threads': must be >= 1, got " + threads);
        }
        if (contextLength != null && contextLength < 1) {
            throw new ParameterException(commandLine, "Invalid value for option '--ctx': must be >= 1, got " + contextLength);
        }
        return ModelOptions.defaults().withKernels(kernels()).withKvPrecision(kvPrecision);
    }

    /** The cache of {@code --ctx} positions, or the model's default one. */
    KvCache newCache(Model model) {
        return contextLength == null ? model.newCache() : model.newCache(contextLength, kvPrecision);
    }

    /**
     * The one place that picks the kernels. The scalar reference is single-threaded, so
     * {@code threads} waits for the vectorized, multi-threaded kernels to take it.
     */
    private Kernels kernels() {
        return new ScalarKernels();
    }
}
