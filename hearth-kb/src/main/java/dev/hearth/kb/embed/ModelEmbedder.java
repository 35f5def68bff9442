package dev.hearth.kb.embed;

import dev.hearth.compute.spi.Backend;
import dev.hearth.model.runtime.EmbeddingModel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** An {@link Embedder} over one of Hearth's embedding models (a BERT encoder, or a pooled decoder). */
final class ModelEmbedder implements Embedder {
    private final String name;
    private final EmbeddingModel model;
    private final String queryPrefix;
    private final Backend backend;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param queryPrefix put before a question (some models are trained with an instruction
     *     there); empty for none
     * @param backend the backend the model computes on, closed with it
     */
    ModelEmbedder(String name, EmbeddingModel model, String queryPrefix, Backend backend) {
        this.name = name;
        this.model = model;
        this.queryPrefix = queryPrefix;
        this.backend = backend;
    }

    @Override
    public String name() {
        return name;
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
        for (int i = 0; i < texts.size(); i++) {
            int[] tokens = model.tokenize(texts.get(i));
            if (tokens.length > model.maxTokens()) {
                throw new IllegalArgumentException("passage " + i + " is " + tokens.length + " tokens long; " + name
                        + " takes at most " + model.maxTokens() + " (chunk it smaller)");
            }
            vectors.add(model.embed(tokens));
        }
        return vectors;
    }

    @Override
    public float[] embedQuery(String question) {
        int[] tokens = model.tokenize(queryPrefix + question);
        if (tokens.length > model.maxTokens()) {
            throw new IllegalArgumentException("the question is " + tokens.length + " tokens long; " + name
                    + " takes at most " + model.maxTokens());
        }
        return model.embed(tokens);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) { // whoever owns it may close it again
            model.close();
            backend.close();
        }
    }
}
