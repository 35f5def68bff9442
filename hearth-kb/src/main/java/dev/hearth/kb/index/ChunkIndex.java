package dev.hearth.kb.index;

import dev.hearth.kb.chunk.Chunk;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The searchable chunks of one knowledge base: a Lucene index in a directory of its own, with BM25 over
 * the text (Chinese and English analyses) and HNSW over the chunks' vectors.
 *
 * <p>Every change is one Lucene commit: after a crash the index opens at its last commit, so a document
 * is either wholly its old version or wholly its new one. Writes are serialised (one writer per index,
 * and Lucene's write lock keeps a second process out); searches may run on any number of threads at
 * once, alongside a write, and see each write once it has returned.
 *
 * <p>Methods throw {@link java.io.UncheckedIOException} when the disk fails them.
 */
public interface ChunkIndex extends AutoCloseable {

    /**
     * Opens the index in {@code dir}, creating it (and the directory) if there is none.
     *
     * @param dimension the length of every vector this index will hold
     * @param embedderName the model that makes them; an index only ever holds one model's vectors
     * @throws IllegalStateException if the index there was built for another embedder or dimension, was not
     *     built by Hearth, or is open in another process
     */
    static ChunkIndex open(Path dir, int dimension, String embedderName) {
        return LuceneChunkIndex.open(dir, dimension, embedderName);
    }

    /** The vector length this index holds. */
    int dimension();

    /** The embedder whose vectors this index holds. */
    String embedderName();

    /**
     * Puts {@code chunks} in place of whatever {@code documentId} had, in one commit. An empty list
     * leaves the document with no chunks.
     *
     * @param vectors one unit-length vector of {@link #dimension()} floats per chunk, in the same order
     * @throws IllegalArgumentException if the counts differ or a vector has the wrong length or norm
     */
    void replaceDocument(String documentId, DocumentInfo info, List<Chunk> chunks, List<float[]> vectors);

    /**
     * Replaces several documents in one commit: all of them or, after a crash, none. A commit waits for the
     * disk (fsync), so ingestion that batches documents indexes many times faster than one per call.
     *
     * @throws IllegalArgumentException if an id appears twice or a vector has the wrong length or norm
     */
    void replaceDocuments(List<DocumentChunks> documents);

    /** Removes every chunk of {@code documentId}, in one commit; nothing happens if it has none. */
    void deleteDocument(String documentId);

    /** How many chunks the index holds. */
    int chunkCount();

    /** How many chunks {@code documentId} has. */
    long documentChunkCount(String documentId);

    /** The ids of the documents that have chunks in the index (for checking it against the metadata). */
    Set<String> documentIds();

    /**
     * The best {@code request.k()} chunks for a question, best first.
     *
     * <p>HYBRID takes the top {@code max(4k, 40)} of the BM25 list and of the vector list and fuses them by
     * reciprocal rank: a chunk's score is the sum, over the lists it is in, of {@code 1 / (60 + rank)} with
     * 1-based ranks (60 is the constant of Cormack et al., 2009). Ties go to the chunk with the better
     * single rank.
     *
     * @throws IllegalArgumentException if the query vector's length is not {@link #dimension()}
     */
    List<SearchHit> search(SearchRequest request);

    /** Releases the index; a write in progress finishes first. */
    @Override
    void close();
}
