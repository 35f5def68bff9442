package dev.hearth.serve.engine;

import dev.hearth.compute.spi.Backend;
import dev.hearth.model.generate.ChatPrompt;
import dev.hearth.model.gguf.GgufSummary;
import dev.hearth.model.runtime.EmbeddingModel;
import dev.hearth.model.runtime.ModelOptions;
import dev.hearth.model.runtime.Models;
import dev.hearth.model.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine of an embedding model (a BERT-family encoder such as bge-small-zh): embeddings only.
 * There is no batching to do across requests (each input is one encoder pass, and the model
 * serialises them), so it runs on the caller's thread. Completions are refused with
 * {@link ModelCannotGenerateException}.
 */
final class EmbeddingEngine implements InferenceEngine {
    private final Backend backend;
    private final EmbeddingModel model;
    private final EngineInfo info;
    private final AtomicLong promptTokens = new AtomicLong();
    private volatile boolean accepting = true;

    private EmbeddingEngine(Backend backend, EmbeddingModel model, EngineInfo info) {
        this.backend = backend;
        this.model = model;
        this.info = info;
    }

    /**
     * @param summary the file's header, read once by {@link InferenceEngines#open}
     * @param fileType the weights' main type, as llama.cpp names it
     */
    static InferenceEngine open(Path path, EngineOptions options, GgufSummary summary, String fileType) throws IOException {
        Backend backend = Backend.cpu(options.threads());
        try {
            EmbeddingModel model = Models.openEmbedding(path, ModelOptions.defaults().withKernels(backend.kernels()));
            String name = options.name() != null ? options.name() : BatchingEngine.baseName(path);
            EngineInfo info = new EngineInfo(name, path, model.info().architecture(), fileType,
                    summary.parameterCount(), summary.fileSize(),
                    model.maxTokens(), model.tokenizer().vocabulary().size(), model.dimension(), 0, 0);
            return new EmbeddingEngine(backend, model, info);
        } catch (RuntimeException | Error e) {
            backend.close();
            throw e;
        }
    }

    @Override
    public EngineInfo info() {
        return info;
    }

    @Override
    public Tokenizer tokenizer() {
        return model.tokenizer();
    }

    @Override
    public ChatPrompt chatPrompt() {
        throw new ModelCannotGenerateException(info.name(), info.architecture());
    }

    @Override
    public Completion submit(CompletionRequest request, CompletionListener listener) {
        throw new ModelCannotGenerateException(info.name(), info.architecture());
    }

    @Override
    public List<float[]> embed(List<int[]> inputs) {
        checkInputs(inputs, info.contextLength(), accepting);
        List<float[]> vectors = new ArrayList<>(inputs.size());
        for (int[] input : inputs) {
            vectors.add(model.embed(input));
            promptTokens.addAndGet(input.length);
        }
        return vectors;
    }

    /** What every engine checks before it embeds: no empty input, none over the context, not shutting down. */
    static void checkInputs(List<int[]> inputs, int contextLength, boolean accepting) {
        for (int[] input : inputs) {
            if (input.length == 0) {
                throw new IllegalArgumentException("an input to embed holds no tokens");
            }
            if (input.length > contextLength) {
                throw new ContextLengthExceededException(input.length, contextLength);
            }
        }
        if (!accepting) {
            throw new EngineOverloadedException("the server is shutting down", 5);
        }
    }

    @Override
    public EngineStats stats() {
        return new EngineStats(0, 0, 0, 0, 0, promptTokens.get(), 0, 0, 0, 0);
    }

    @Override
    public void shutdown(Duration deadline) {
        accepting = false;
    }

    @Override
    public void close() {
        accepting = false;
        model.close();
        backend.close();
    }
}
