package dev.hearth.model.runtime;

import dev.hearth.model.tokenizer.Tokenizer;

/**
 * A decoder used as an embedding model: {@link Model#embed} with the pooling its file names
 * ({@code {arch}.pooling_type}, mean when absent, as the server pools).
 */
final class DecoderEmbeddings implements EmbeddingModel {
    private final Model model;
    private final Pooling pooling;

    DecoderEmbeddings(Model model) {
        this.model = model;
        this.pooling = Pooling.of(model.metadata(), model.info().architecture(), Pooling.MEAN);
    }

    @Override
    public ModelInfo info() {
        return model.info();
    }

    @Override
    public Tokenizer tokenizer() {
        return model.tokenizer();
    }

    @Override
    public int dimension() {
        return model.info().embeddingLength();
    }

    @Override
    public int maxTokens() {
        return model.info().contextLength();
    }

    @Override
    public synchronized float[] embed(int[] tokens) {
        return model.embed(tokens, pooling);
    }

    @Override
    public void close() {
        model.close();
    }
}
