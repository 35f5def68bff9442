package dev.hearth.bench.kb;

import dev.hearth.compute.kernels.Kernels;
import dev.hearth.compute.kernels.WorkerPool;
import dev.hearth.kb.embed.Embedder;
import dev.hearth.kb.embed.Embedders;
import dev.hearth.model.runtime.EmbeddingModel;
import dev.hearth.model.runtime.ModelOptions;
import dev.hearth.model.runtime.Models;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The default model's file (bge-small-zh-v1.5, as {@link Embedders#defaultModelFile} writes it)
 * run with the vectorized kernels over a worker pool of its own, where {@link
 * Embedders#defaultModel} runs it with {@link ModelOptions#defaults()}'s scalar kernels on the
 * caller's thread. Same name, so a knowledge base made with either opens with the other.
 */
final class VectorEmbedder implements Embedder {
    private final WorkerPool pool;
    private final EmbeddingModel model;

    private VectorEmbedder(WorkerPool pool, EmbeddingModel model) {
        this.pool = pool;
        this.model = model;
    }

    static VectorEmbedder open(Path modelsDir, int threads) throws IOException {
        WorkerPool pool = new WorkerPool(threads);
        try {
            return new VectorEmbedder(pool, Models.openEmbedding(Embedders.defaultModelFile(modelsDir),
                    ModelOptions.defaults().withKernels(Kernels.vectorized(pool))));
        } catch (IOException | RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    EmbeddingModel model() {
        return model;
    }

    int threads() {
        return pool.threads();
    }

    @Override
    public String name() {
        return Embedders.DEFAULT_NAME;
    }

    @Override
    public int dimension() {
        return model.dimension();
    }

    @Override
    public int maxTokens() {
        return model.maxTokens();
    }

    @Override
    public int countTokens(String text) {
        return model.tokenize(text).length;
    }

    @Override
    public List<float[]> embedPassages(List<String> texts) {
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (String text : texts) {
            vectors.add(model.embed(text));
        }
        return vectors;
    }

    @Override
    public float[] embedQuery(String question) {
        return model.embed(question);
    }

    @Override
    public void close() {
        model.close();
        pool.close();
    }
}
