package dev.hearth.kb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.kb.embed.ConceptBagEmbedder;
import dev.hearth.kb.store.DocumentRecord;
import dev.hearth.kb.store.DocumentStatus;
import dev.hearth.kb.store.IngestionJob;
import dev.hearth.kb.store.JobState;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code kill -9} during ingestion: the data directory opens again, every document the metadata
 * calls indexed has exactly its chunks in the index (and nothing else is there), at most the
 * document in flight is lost (marked failed, to be added again), and adding the folder again
 * finishes the job.
 */
class KnowledgeBasesKillIT {
    private static final int FILES = 150;

    @TempDir
    Path dir;

    @Test
    void aKilledIngestionLosesAtMostTheDocumentInFlight() throws Exception {
        Path docs = Files.createDirectories(dir.resolve("docs"));
        for (int i = 0; i < FILES; i++) {
            StringBuilder text = new StringBuilder("# Pump " + i + "\n\n");
            for (int s = 0; s < 12; s++) {
                text.append("Pump ").append(i).append(" needs oil change number ").append(s).append(" every month. ");
            }
            Files.writeString(docs.resolve(String.format("pump-%03d.md", i)), text);
        }
        Path data = dir.resolve("data");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), IngestingChild.class.getName(), data.toString(), docs.toString())
                .redirectError(dir.resolve("child.err").toFile())
                .start();
        int seen = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; seen < 20 && (line = out.readLine()) != null; ) {
                seen = Integer.parseInt(line.substring("files ".length()));
            }
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no close, no last commit
            child.waitFor();
        }
        assertThat(seen).as("the child added 20 files before it was killed; see child.err").isGreaterThanOrEqualTo(20);

        try (KnowledgeBases bases = KnowledgeBases.open(KnowledgeBaseOptions.defaults(data),
                new ConceptBagEmbedder(IngestingChild.DIMENSION))) {
            List<DocumentRecord> documents = bases.documents("crash");
            List<DocumentRecord> indexed = documents.stream().filter(d -> d.status() == DocumentStatus.INDEXED).toList();
            List<DocumentRecord> failed = documents.stream().filter(d -> d.status() == DocumentStatus.FAILED).toList();
            assertThat(indexed.size()).isBetween(seen, FILES);
            assertThat(failed).hasSizeLessThanOrEqualTo(1)
                    .allSatisfy(d -> assertThat(d.error()).get().asString().contains("interrupted"));
            assertThat(documents).noneMatch(d -> d.status() == DocumentStatus.PENDING);
            int indexedChunks = indexed.stream().mapToInt(DocumentRecord::chunkCount).sum();
            assertThat(bases.describe("crash").chunks()).as("chunks in the index").isEqualTo(indexedChunks);

            IngestionJob again = bases.add("crash", List.of(docs), Set.of(), IngestionListener.NONE);
            assertThat(again.progress().state()).isEqualTo(JobState.DONE);
            assertThat(again.errors()).isEmpty();
            assertThat(bases.documents("crash")).hasSize(FILES).allMatch(d -> d.status() == DocumentStatus.INDEXED);
            assertThat(bases.retrieve("crash", "pump 149 oil", RetrievalOptions.defaults()).covered()).isTrue();
        }
    }
}
