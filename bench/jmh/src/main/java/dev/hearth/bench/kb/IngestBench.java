package dev.hearth.bench.kb;

import dev.hearth.kb.KnowledgeBaseOptions;
import dev.hearth.kb.KnowledgeBases;
import dev.hearth.kb.embed.Embedder;
import dev.hearth.kb.embed.Embedders;
import dev.hearth.kb.store.IngestionJob;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Part {@code ingest}: chunks per second through {@link KnowledgeBases#add} — reading, chunking,
 * embedding with the real default embedder ({@link Embedders#defaultModel}), indexing and the
 * metadata writes — on generated plain-text files of mixed Chinese and English. The embedder is
 * wrapped to time the calls into it, which gives embedding's share of the wall time.
 */
final class IngestBench {
    private final Path workDir;
    private final Path modelsDir;
    private final int files;
    private final int charsPerFile;

    IngestBench(Path workDir, Path modelsDir, int files, int charsPerFile) {
        this.workDir = workDir;
        this.modelsDir = modelsDir;
        this.files = files;
        this.charsPerFile = charsPerFile;
    }

    void run() throws IOException {
        Path documents = Files.createDirectories(workDir.resolve("ingest-documents"));
        long bytes = 0;
        for (int i = 0; i < files; i++) {
            Path file = documents.resolve("doc-%04d.txt".formatted(i));
            Files.writeString(file, GeneratedText.document(50_000 + i, charsPerFile));
            bytes += Files.size(file);
        }
        try (TimedEmbedder embedder = new TimedEmbedder(Embedders.defaultModel(modelsDir))) {
            warmUp(embedder);
            long warmupNanos = embedder.nanos();
            long warmupTexts = embedder.texts();
            try (KnowledgeBases bases = KnowledgeBases.open(KnowledgeBaseOptions.defaults(workDir.resolve("ingest-data")),
                    embedder)) {
                bases.create("bench", "ingestion benchmark");
                long start = System.nanoTime();
                IngestionJob job = bases.add("bench", List.of(documents), Set.of(), j -> { });
                double seconds = (System.nanoTime() - start) / 1e9;
                double embedding = (embedder.nanos() - warmupNanos) / 1e9;
                long chunks = job.progress().chunks();
                System.out.printf("documents:  %d generated plain-text files of ~%d chars (Chinese and English "
                        + "paragraphs), %.0f kB; default chunker (400 chars, 60 overlap)%n", files, charsPerFile,
                        bytes / 1e3);
                System.out.println("embedder:   " + embedder.name() + " as Embedders.defaultModel opens it (every "
                        + "processor); warmed up on " + warmupTexts + " passages first");
                System.out.println();
                System.out.println("| files | failed | chunks | seconds | chunks/s | embedding s | embedding share "
                        + "| ms per chunk embedded |");
                System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
                System.out.printf("| %d | %d | %d | %.1f | %.2f | %.1f | %.0f%% | %.0f |%n", job.progress().filesDone(),
                        job.progress().filesFailed(), chunks, seconds, chunks / seconds, embedding,
                        100 * embedding / seconds, 1000 * embedding / Math.max(1, embedder.texts() - warmupTexts));
                if (job.progress().filesFailed() > 0 || chunks == 0) {
                    throw new IllegalStateException("ingestion failed: " + job.errors());
                }
            }
        }
    }

    /** Passages like the benchmark's own, so that the JIT has compiled the encoder before timing starts. */
    private static void warmUp(Embedder embedder) {
        for (int i = 0; i < 4; i++) {
            embedder.embedPassages(List.of(GeneratedText.passage(900 + i)));
        }
    }
}
