package dev.hearth.kb.index;

import dev.hearth.kb.chunk.Chunk;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * One chunk a search returned.
 *
 * @param documentId the id its document was indexed under
 * @param documentName the document's name at indexing time
 * @param ordinal its position among its document's chunks, from 0
 * @param chunk the chunk as it was indexed
 * @param score what the hits are ordered by: the BM25 score, the cosine, or the fused RRF score by mode
 * @param bm25Score its BM25 score, present when it was in the BM25 list
 * @param bm25Rank its 1-based rank in the BM25 list, present when it was in that list
 * @param cosine its cosine similarity to the query vector, present whenever the request had a vector
 *     (so always for VECTOR and HYBRID), whether or not it was in the vector list
 * @param vectorRank its 1-based rank in the nearest-neighbour list, present when it was in that list
 */
public record SearchHit(
        String documentId,
        String documentName,
        int ordinal,
        Chunk chunk,
        double score,
        OptionalDouble bm25Score,
        OptionalInt bm25Rank,
        OptionalDouble cosine,
        OptionalInt vectorRank) {
    public SearchHit {
        Objects.requireNonNull(documentId, "documentId");
        Objects.requireNonNull(documentName, "documentName");
        Objects.requireNonNull(chunk, "chunk");
        Objects.requireNonNull(bm25Score, "bm25Score");
        Objects.requireNonNull(bm25Rank, "bm25Rank");
        Objects.requireNonNull(cosine, "cosine");
        Objects.requireNonNull(vectorRank, "vectorRank");
    }
}
