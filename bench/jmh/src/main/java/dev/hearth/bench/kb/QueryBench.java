package dev.hearth.bench.kb;

import dev.hearth.kb.KnowledgeBaseOptions;
import dev.hearth.kb.KnowledgeBases;
import dev.hearth.kb.Retrieval;
import dev.hearth.kb.RetrievalOptions;
import dev.hearth.kb.chunk.Chunk;
import dev.hearth.kb.embed.Embedder;
import dev.hearth.kb.embed.Embedders;
import dev.hearth.kb.index.ChunkIndex;
import dev.hearth.kb.index.DocumentChunks;
import dev.hearth.kb.index.DocumentInfo;
import dev.hearth.kb.index.SearchRequest;
import dev.hearth.kb.store.DocumentIds;
import dev.hearth.kb.store.DocumentRecord;
import dev.hearth.kb.store.DocumentStatus;
import dev.hearth.kb.store.KnowledgeBaseStore;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallzhv15.BgeSmallZhV15EmbeddingModel;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Part {@code query}: retrieval latency at growing index sizes, answer generation excluded.
 *
 * <p>The index is filled without the embedder (100,000 real embeddings would take hours): a few
 * hundred generated passages are embedded with the real model (run by ONNX Runtime, which is many
 * times faster than Hearth's encoder today; the vectors agree), and chunk {@code i} is passage
 * {@code i mod B} followed by a generated sentence of its own, with that passage's vector plus
 * Gaussian noise (σ = {@value #NOISE} per component, about 0.34 in norm; cosine to the passage's
 * own vector about 0.95), renormalised. Chunks go in ten to a document, a hundred documents per
 * {@link ChunkIndex#replaceDocuments} commit, into the index of a knowledge base made with
 * {@link KnowledgeBases#create} (its folder {@code kb/NAME/index} under the data directory, while
 * no {@code KnowledgeBases} has it open). Each size adds to the previous one's chunks.
 *
 * <p>At each size, after warm-up queries, the same generated questions (half Chinese, half
 * English) are timed one at a time on this thread through {@link ChunkIndex#search} alone (hybrid,
 * k = 5, question vectors computed beforehand, also by ONNX Runtime) and through {@link KnowledgeBases#retrieve} (which
 * embeds the question first) with the default embedder and with the vectorized one.
 */
final class QueryBench {
    private static final double NOISE = 0.015;
    private static final int CHUNKS_PER_DOCUMENT = 10;
    private static final int DOCUMENTS_PER_COMMIT = 100;
    private static final String NAME = "bench";

    private record Row(int chunks, String mode, Latencies latencies, double passagesPerQuery) {
    }

    private final Path workDir;
    private final Path modelsDir;
    private final int threads;
    private final int[] sizes;
    private final int queries;
    private final int warmupQueries;
    private final int basePassages;

    QueryBench(Path workDir, Path modelsDir, int threads, int[] sizes, int queries, int warmupQueries,
               int basePassages) {
        this.workDir = workDir;
        this.modelsDir = modelsDir;
        this.threads = threads;
        this.sizes = sizes.clone();
        this.queries = queries;
        this.warmupQueries = warmupQueries;
        this.basePassages = basePassages;
    }

    void run() throws IOException {
        Path dataDir = workDir.resolve("query-data");
        Path indexDir = dataDir.resolve("kb").resolve(NAME).resolve("index");
        List<Row> rows = new ArrayList<>();
        long start = System.nanoTime();
        List<String> passages = new ArrayList<>(basePassages);
        for (int i = 0; i < basePassages; i++) {
            passages.add(GeneratedText.passage(i));
        }
        // the same model through ONNX Runtime, only because it is many times faster today (the embed part
        // shows the vectors agree with Hearth's to a cosine of 1.0000)
        EmbeddingModel onnxRuntime = new BgeSmallZhV15EmbeddingModel();
        List<float[]> passageVectors = passages.stream().map(p -> onnxRuntime.embed(p).content().vector()).toList();
        List<String> warmup = questions(100_000, warmupQueries);
        List<String> timed = questions(0, queries);
        List<float[]> warmupVectors = warmup.stream().map(q -> onnxRuntime.embed(q).content().vector()).toList();
        List<float[]> timedVectors = timed.stream().map(q -> onnxRuntime.embed(q).content().vector()).toList();
        System.out.printf("base:       %d generated passages embedded with bge-small-zh-v1.5 (through ONNX Runtime, "
                + "for speed) in %.1f s; chunk i = passage (i mod %d) + a sentence of its own, vector = the "
                + "passage's + N(0, %.3f²) per component, renormalised%n", basePassages,
                (System.nanoTime() - start) / 1e9, basePassages, NOISE);
        System.out.printf("queries:    %d timed (half Chinese, half English) after %d warm-up, one at a time; "
                + "hybrid (BM25 + HNSW, fused by RRF), k = %d%n", queries, warmupQueries, RetrievalOptions.DEFAULT_K);
        int dimension;
        try (KnowledgeBases bases = KnowledgeBases.open(KnowledgeBaseOptions.defaults(dataDir),
                Embedders.defaultModel(modelsDir, threads))) {
            bases.create(NAME, "query latency benchmark");
            dimension = bases.embedder().dimension();
        }
        int built = 0;
        for (int size : sizes) {
            try (ChunkIndex index = ChunkIndex.open(indexDir, dimension, Embedders.DEFAULT_NAME)) {
                long fill = System.nanoTime();
                try (KnowledgeBaseStore store = KnowledgeBaseStore.open(dataDir)) {
                    fill(index, store, built, size, passages, passageVectors);
                }
                double seconds = (System.nanoTime() - fill) / 1e9;
                System.err.printf("query: indexed chunks %d..%d in %.1f s (%.0f chunks/s)%n", built, size, seconds,
                        (size - built) / seconds);
                System.out.printf("index:      %,d chunks: added %,d in %.1f s (%.0f chunks/s, replaceDocuments "
                        + "with vectors given)%n", size, size - built, seconds, (size - built) / seconds);
                built = size;
                rows.add(timeSearch(index, size, warmup, warmupVectors, timed, timedVectors));
            }
            rows.add(timeRetrieve(dataDir, Embedders.defaultModel(modelsDir, threads), size,
                    "KnowledgeBases.retrieve (the question embedded, " + threads + " threads)", warmup, timed));
        }
        System.out.println();
        System.out.println("| chunks | what is timed | queries | p50 ms | p99 ms | mean ms | max ms | passages/query |");
        System.out.println("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (Row row : rows) {
            Latencies l = row.latencies();
            System.out.printf("| %,d | %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f |%n", row.chunks(), row.mode(),
                    l.count(), l.p50(), l.p99(), l.mean(), l.max(), row.passagesPerQuery());
        }
        int largest = sizes[sizes.length - 1];
        for (Row row : rows) {
            if (row.chunks() == largest && row.mode().startsWith("KnowledgeBases.retrieve")) {
                System.out.printf("target p50 < 50 ms at %,d chunks, %s: %.1f ms, %s%n", largest, row.mode(),
                        row.latencies().p50(), row.latencies().p50() < 50 ? "met" : "NOT met");
            }
        }
    }

    /**
     * Adds chunks {@code from} to {@code to}, whole documents of ten, a hundred documents per commit,
     * each recorded in the metadata too (as an ingestion would: a knowledge base opened over an index
     * whose documents the metadata does not know removes them as a crash's leftovers).
     */
    private static void fill(ChunkIndex index, KnowledgeBaseStore store, int from, int to, List<String> passages,
                             List<float[]> vectors) {
        List<DocumentChunks> batch = new ArrayList<>(DOCUMENTS_PER_COMMIT);
        for (int first = from; first < to; first += CHUNKS_PER_DOCUMENT) {
            int document = first / CHUNKS_PER_DOCUMENT;
            List<Chunk> chunks = new ArrayList<>(CHUNKS_PER_DOCUMENT);
            List<float[]> chunkVectors = new ArrayList<>(CHUNKS_PER_DOCUMENT);
            int offset = 0;
            for (int i = first; i < Math.min(to, first + CHUNKS_PER_DOCUMENT); i++) {
                int base = i % passages.size();
                String text = passages.get(base) + "\n" + GeneratedText.sentence(7_000_000L + i, i % 2 == 0, false);
                chunks.add(new Chunk(text, 0, offset, offset + text.length(), List.of()));
                offset += text.length() + 1;
                chunkVectors.add(perturbed(vectors.get(base), new SplittableRandom(i)));
            }
            String path = "generated/doc-%07d.txt".formatted(document);
            batch.add(new DocumentChunks(DocumentIds.forPath(path), new DocumentInfo(path, Set.of()), chunks, chunkVectors));
            store.upsertDocument(new DocumentRecord(NAME, path, "0".repeat(64), offset, "txt", Set.of(), chunks.size(),
                    DocumentStatus.INDEXED, Optional.empty(), Instant.now()));
            if (batch.size() == DOCUMENTS_PER_COMMIT) {
                index.replaceDocuments(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            index.replaceDocuments(batch);
        }
    }

    private static float[] perturbed(float[] vector, SplittableRandom random) {
        double[] v = new double[vector.length];
        double norm = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = vector[i] + NOISE * random.nextGaussian();
            norm += v[i] * v[i];
        }
        norm = Math.sqrt(norm);
        float[] unit = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            unit[i] = (float) (v[i] / norm);
        }
        return unit;
    }

    private static Row timeSearch(ChunkIndex index, int size, List<String> warmup, List<float[]> warmupVectors,
                                  List<String> timed, List<float[]> timedVectors) {
        for (int i = 0; i < warmup.size(); i++) {
            index.search(SearchRequest.hybrid(warmup.get(i), warmupVectors.get(i), RetrievalOptions.DEFAULT_K));
        }
        long[] nanos = new long[timed.size()];
        long hits = 0;
        for (int i = 0; i < timed.size(); i++) {
            long start = System.nanoTime();
            hits += index.search(SearchRequest.hybrid(timed.get(i), timedVectors.get(i), RetrievalOptions.DEFAULT_K))
                    .size();
            nanos[i] = System.nanoTime() - start;
        }
        return new Row(size, "ChunkIndex.search alone (question vectors given)", Latencies.of(nanos),
                hits / (double) timed.size());
    }

    /** Times retrieval through the knowledge bases, which close {@code embedder}. */
    private static Row timeRetrieve(Path dataDir, Embedder embedder, int size, String mode, List<String> warmup,
                                    List<String> timed) {
        try (KnowledgeBases bases = KnowledgeBases.open(KnowledgeBaseOptions.defaults(dataDir), embedder)) {
            for (String question : warmup) {
                bases.retrieve(NAME, question, RetrievalOptions.defaults());
            }
            long[] nanos = new long[timed.size()];
            long passages = 0;
            for (int i = 0; i < timed.size(); i++) {
                long start = System.nanoTime();
                Retrieval retrieval = bases.retrieve(NAME, timed.get(i), RetrievalOptions.defaults());
                nanos[i] = System.nanoTime() - start;
                passages += retrieval.passages().size();
            }
            return new Row(size, mode, Latencies.of(nanos), passages / (double) timed.size());
        }
    }

    private static List<String> questions(long firstSeed, int count) {
        List<String> questions = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            questions.add(GeneratedText.question(firstSeed + i));
        }
        return questions;
    }
}
