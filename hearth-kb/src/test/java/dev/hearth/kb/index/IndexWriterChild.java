package dev.hearth.kb.index;

import dev.hearth.kb.chunk.Chunk;
import dev.hearth.kb.embed.ConceptBagEmbedder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The process {@link ChunkIndexKillIT} kills: it replaces one document over and over, each version
 * {@value #CHUNKS} chunks that all name it, and touches a marker file once the first version is committed.
 */
final class IndexWriterChild {
    static final int CHUNKS = 5;
    static final int DIMENSION = 64;

    private IndexWriterChild() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Path marker = Path.of(args[1]);
        ConceptBagEmbedder embedder = new ConceptBagEmbedder(DIMENSION);
        ChunkIndex index = ChunkIndex.open(dir, DIMENSION, embedder.name());
        for (int version = 0; ; version++) {
            List<Chunk> chunks = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < CHUNKS; i++) {
                String text = "version " + version + " part " + i;
                texts.add(text);
                chunks.add(new Chunk(text, 0, 0, text.length(), List.of()));
            }
            index.replaceDocument("doc", new DocumentInfo("doc", Set.of()), chunks, embedder.embedPassages(texts));
            if (version == 0) {
                Files.createFile(marker);
            }
        }
    }
}
