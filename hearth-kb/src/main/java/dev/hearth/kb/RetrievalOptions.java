package dev.hearth.kb;

import dev.hearth.kb.index.SearchMode;

import java.util.Set;

/**
 * How passages are retrieved for a question.
 *
 * @param k how many passages at most
 * @param mode BM25, vectors, or both fused ({@link SearchMode#HYBRID}, the default)
 * @param documentIds only passages of these documents (empty: all)
 * @param tags only passages of documents carrying at least one of these tags (empty: all)
 */
public record RetrievalOptions(int k, SearchMode mode, Set<String> documentIds, Set<String> tags) {
    public static final int DEFAULT_K = 5;

    public RetrievalOptions {
        documentIds = Set.copyOf(documentIds);
        tags = Set.copyOf(tags);
        if (k < 1 || k > 100) {
            throw new KnowledgeBaseException(KnowledgeBaseException.Kind.INVALID, "k must be 1..100, got " + k);
        }
    }

    /** The best {@value #DEFAULT_K} passages by hybrid retrieval, from every document. */
    public static RetrievalOptions defaults() {
        return new RetrievalOptions(DEFAULT_K, SearchMode.HYBRID, Set.of(), Set.of());
    }

    public RetrievalOptions withK(int k) {
        return new RetrievalOptions(k, mode, documentIds, tags);
    }

    public RetrievalOptions withMode(SearchMode mode) {
        return new RetrievalOptions(k, mode, documentIds, tags);
    }

    public RetrievalOptions withFilters(Set<String> documentIds, Set<String> tags) {
        return new RetrievalOptions(k, mode, documentIds, tags);
    }
}
