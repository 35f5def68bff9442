package dev.hearth.cli;

import dev.hearth.compute.spi.Backend;
import dev.hearth.model.lora.LoraSet;
import dev.hearth.model.lora.ScaledLora;
import dev.hearth.model.runtime.KvCache;
import dev.hearth.model.runtime.KvPrecision;
import dev.hearth.model.runtime.Model;
import dev.hearth.model.runtime.ModelOptions;
import dev.hearth.model.runtime.Models;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** How the commands that run a model run it: threads, context length, KV-cache precision, LoRA adapters. */
final class RuntimeOptions {

    @Option(names = "--threads", paramLabel = "K", description = "Threads for the matrix products (default: one per processor).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--ctx", paramLabel = "C",
            description = "Context length, in tokens (default: the model's, as far as a quarter of the RAM holds).")
    Integer contextLength;

    @Option(names = "--kv", paramLabel = "f16|f32", defaultValue = "f16",
            description = "Precision of the KV cache (default: ${DEFAULT-VALUE}).")
    KvPrecision kvPrecision;

    @Option(names = "--lora", paramLabel = "ADAPTER.gguf[:SCALE]", converter = LoraFile.Converter.class,
            description = "Apply a LoRA adapter made for this model, at SCALE (default 1); repeatable, the adapters add up.")
    List<LoraFile> lora = new ArrayList<>();

    /**
     * A model, the backend its forward passes run on, and the LoRA adapters its caches apply;
     * closing it closes the model and the backend.
     */
    record LoadedModel(Backend backend, Model model, LoraSet lora) implements AutoCloseable {
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
     * Opens {@code file} on the CPU backend with {@code --threads} threads (the one place that
     * picks the kernels), with the {@code --lora} adapters checked against it.
     *
     * @throws ParameterException naming a bad {@code --threads} or {@code --ctx}
     * @throws dev.hearth.model.runtime.ModelLoadException naming the adapter's file and tensor when one
     *     is malformed or made for another model
     */
    LoadedModel open(Path file, CommandLine commandLine) throws IOException {
        if (threads < 1) {
            throw new ParameterException(commandLine, "Invalid value for option '--threads': must be >= 1, got " + threads);
        }
        if (contextLength != null && contextLength < 1) {
            throw new ParameterException(commandLine, "Invalid value for option '--ctx': must be >= 1, got " + contextLength);
        }
        List<ScaledLora> adapters = new ArrayList<>();
        for (LoraFile adapter : lora) {
            adapters.add(adapter.read());
        }
        Backend backend = Backend.cpu(threads);
        Model model = null;
        try {
            ModelOptions options = ModelOptions.defaults().withKernels(backend.kernels()).withKvPrecision(kvPrecision);
            model = Models.open(file, options);
            return new LoadedModel(backend, model, model.lora(adapters));
        } catch (IOException | RuntimeException e) {
            if (model != null) {
                model.close();
            }
            backend.close();
            throw e;
        }
    }

    /** The cache of {@code --ctx} positions, or the model's default one, applying the {@code --lora} adapters. */
    KvCache newCache(LoadedModel loaded) {
        Model model = loaded.model();
        return contextLength == null ? model.newCache(loaded.lora())
                : model.newCache(contextLength, kvPrecision, loaded.lora());
    }
}
