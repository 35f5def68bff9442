package dev.hearth.kb.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.kb.embed.ConceptBagEmbedder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A writer process killed without warning (SIGKILL) mid-stream leaves a whole version of its document. */
class ChunkIndexKillIT {

    @TempDir
    Path dir;

    @Test
    void aKilledWriterLeavesOneWholeVersion() throws Exception {
        Path marker = dir.resolve("committed");
        Path indexDir = dir.resolve("index");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                IndexWriterChild.class.getName(), indexDir.toString(), marker.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile())
                .start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(marker)) {
                assertThat(child.isAlive()).as("the writer exited early; see child.log").isTrue();
                assertThat(System.nanoTime()).as("the writer never committed").isLessThan(deadline);
                Thread.sleep(20);
            }
            Thread.sleep(300); // let it get well into later versions
        } finally {
            child.destroyForcibly(); // SIGKILL on Unix: no shutdown hooks, no close
            child.waitFor();
        }

        ConceptBagEmbedder embedder = new ConceptBagEmbedder(IndexWriterChild.DIMENSION);
        try (ChunkIndex index = ChunkIndex.open(indexDir, IndexWriterChild.DIMENSION, embedder.name())) {
            assertThat(index.documentChunkCount("doc")).isEqualTo(IndexWriterChild.CHUNKS);
            List<String> versions = index.search(SearchRequest.bm25("version part", 50)).stream()
                    .map(h -> h.chunk().text().split(" ")[1])
                    .distinct()
                    .toList();
            assertThat(versions).hasSize(1);
        }
    }
}
