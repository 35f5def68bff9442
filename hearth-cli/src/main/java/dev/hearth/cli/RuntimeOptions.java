package dev.hearth.cli;

import dev.hearth.compute.spi.Backend;
import dev.hearth.model.runtime.KvCache;
import dev.hearth.model.runtime.KvPrecision;
import dev.hearth.model.runtime.Model;
import dev.hearth.model.runtime.ModelOptions;
import dev.hearth.model.runtime.Models;

import java.io.IOException;
import java.nio.file.Path;

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

    /** A model and the backend its forward passes run on; closing it closes both. */
    record LoadedModel(Backend backend, Model model) implements AutoCloseable {
        @Override
        public void close() {
            try {
                model.close();
            } finally {
                backend.close();
            }
        }
    }

    /**
     * Opens {@code file} on the CPU backend with {@code --threads} threads: the one place that
     * picks the kernels.
     *
     * @throws ParameterException naming a bad {@code --threads} or {@code --ctx}
     */
    LoadedModel open(Path file, CommandLine commandLine) throws IOException {
        if (threads < 1) {
            throw new ParameterException(commandLine, "Invalid value for option '--threads': must be >= 1, got " + threads);
        }
        if (contextLength != null && contextLength < 1) {
            throw new ParameterException(commandLine, "Invalid value for option '--ctx': must be >= 1, got " + contextLength);
        }
        Backend backend = Backend.cpu(threads);
        try {
            ModelOptions options = ModelOptions.defaults().withKernels(backend.kernels()).withKvPrecision(kvPrecision);
            return new LoadedModel(backend, Models.open(file, options));
        } catch (IOException | RuntimeException e) {
            backend.close();
            throw e;
        }
    }

    /** The cache of {@code --ctx} positions, or the model's default one. */
    KvCache newCache(Model model) {
        return contextLength == null ? model.newCache() : model.newCache(contextLength, kvPrecision);
    }
}
