package dev.hearth.bench.kb;

import dev.hearth.kb.embed.Embedder;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** An embedder that adds up the time spent in it, so ingestion's embedding share can be told apart. */
final class TimedEmbedder implements Embedder {
    private final Embedder embedder;
    private final AtomicLong nanos = new AtomicLong();
    private final AtomicLong texts = new AtomicLong();

    TimedEmbedder(Embedder embedder) {
        this.embedder = embedder;
    }

    /** Time spent in {@link #embedPassages} and {@link #embedQuery} so far. */
    long nanos() {
        return nanos.get();
    }

    /** Texts embedded so far. */
    long texts() {
        return texts.get();
    }

    @Override
    public String name() {
        return embedder.name();
    }

    @Override
    public int dimension() {
        return embedder.dimension();
    }

    @Override
    public int maxTokens() {
        return embedder.maxTokens();
    }

    @Override
    public int countTokens(String text) {
        return embedder.countTokens(text);
    }

    @Override
    public List<float[]> embedPassages(List<String> passages) {
        long start = System.nanoTime();
        try {
            return embedder.embedPassages(passages);
        } finally {
            nanos.addAndGet(System.nanoTime() - start);
            texts.addAndGet(passages.size());
        }
    }

    @Override
    public float[] embedQuery(String question) {
        long start = System.nanoTime();
        try {
            return embedder.embedQuery(question);
        } finally {
            nanos.addAndGet(System.nanoTime() - start);
            texts.incrementAndGet();
        }
    }

    @Override
    public void close() {
        embedder.close();
    }
}
