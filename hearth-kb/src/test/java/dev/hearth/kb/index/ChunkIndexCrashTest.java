package dev.hearth.kb.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.kb.chunk.Chunk;
import dev.hearth.kb.embed.ConceptBagEmbedder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a crash leaves on disk, reproduced in one process: a writer makes changes and prepares a commit
 * (segments written and synced, {@code pending_segments_N} written, not yet renamed), and the directory is
 * copied at that moment, as a killed process would leave it, plus a half-written file. The copy must open
 * at the last finished commit.
 */
class ChunkIndexCrashTest {
    private static final ConceptBagEmbedder EMBEDDER = new ConceptBagEmbedder(64);

    @TempDir
    Path live;

    @TempDir
    Path crashed;

    @Test
    void opensAtTheLastCommitWhenAWriteDiedBeforeItsCommit() throws IOException {
        try (ChunkIndex index = ChunkIndex.open(live, EMBEDDER.dimension(), EMBEDDER.name())) {
            replace(index, "a", "old first", "old second");
            replace(index, "b", "bystander");
        }

        try (Directory directory = FSDirectory.open(live);
                IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig(ChunkFields.analyzer()))) {
            DocumentInfo info = new DocumentInfo("a", Set.of());
            writer.updateDocuments(new Term(ChunkFields.DOC_ID, "a"), List.of(
                    ChunkFields.document("a", info, 0, chunk("new only"), EMBEDDER.embed("new only"))));
            writer.deleteDocuments(new Term(ChunkFields.DOC_ID, "b"));
            writer.prepareCommit();
            copyAsKilled(live, crashed);
            writer.rollback();
        }

        try (ChunkIndex index = ChunkIndex.open(crashed, EMBEDDER.dimension(), EMBEDDER.name())) {
            assertThat(index.documentChunkCount("a")).isEqualTo(2);
            assertThat(index.documentChunkCount("b")).isEqualTo(1);
            assertThat(index.search(SearchRequest.bm25("old", 5))).extracting(h -> h.chunk().text())
                    .containsExactlyInAnyOrder("old first", "old second");
            // and it is writable again: the crash left nothing in the way
            replace(index, "a", "rewritten");
            assertThat(index.documentChunkCount("a")).isEqualTo(1);
        }
        assertThat(crashed.resolve("_zz.cfs")).doesNotExist();
    }

    private static void copyAsKilled(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
        assertThat(to).isDirectoryContaining(p -> p.getFileName().toString().startsWith("pending_segments"));
        // a segment file the writer had only begun when it died
        Files.write(to.resolve("_zz.cfs"), new byte[] {0x3f, (byte) 0xd7, 0x6c});
    }

    private static void replace(ChunkIndex index, String id, String... texts) {
        List<Chunk> chunks = Stream.of(texts).map(ChunkIndexCrashTest::chunk).toList();
        index.replaceDocument(id, new DocumentInfo(id, Set.of()), chunks, EMBEDDER.embedPassages(List.of(texts)));
    }

    private static Chunk chunk(String text) {
        return new Chunk(text, 0, 0, text.length(), List.of());
    }
}
