package dev.hearth.kb.index;

/** Which ranking a search uses. */
public enum SearchMode {
    /** BM25 over the chunk text (Chinese and English analyses) and, boosted lower, its heading path. */
    BM25,
    /** Nearest neighbours of the question's vector (HNSW, dot product of unit vectors). */
    VECTOR,
    /** Both lists fused by reciprocal rank; see {@link ChunkIndex#search}. */
    HYBRID
}
