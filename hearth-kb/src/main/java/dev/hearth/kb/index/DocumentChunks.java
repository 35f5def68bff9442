package dev.hearth.kb.index;

import dev.hearth.kb.chunk.Chunk;
import java.util.List;
import java.util.Objects;

/**
 * One document's new chunks and their vectors, as {@link ChunkIndex#replaceDocuments} takes them.
 *
 * @param documentId the id the chunks are filed under; replaces whatever it had
 * @param info the document's name and tags
 * @param chunks its chunks in order; empty leaves it with none
 * @param vectors one unit-length vector per chunk, in the same order
 */
public record DocumentChunks(String documentId, DocumentInfo info, List<Chunk> chunks, List<float[]> vectors) {
    public DocumentChunks {
        Objects.requireNonNull(documentId, "documentId");
        Objects.requireNonNull(info, "info");
        chunks = List.copyOf(chunks);
        vectors = List.copyOf(vectors);
        if (documentId.isBlank()) {
            throw new IllegalArgumentException("a document id must not be blank");
        }
        if (chunks.size() != vectors.size()) {
            throw new IllegalArgumentException("document " + documentId + " has " + chunks.size() + " chunks but "
                    + vectors.size() + " vectors");
        }
    }
}
