package dev.hearth.kb.index;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A question put to one index. Build one with {@link #bm25}, {@link #vector} or {@link #hybrid}, then narrow
 * it with {@link #inDocuments} and {@link #withAnyTag}.
 *
 * <p>Filters apply to every list a mode searches. A chunk passes when its document is one of
 * {@code documentIds} (if any are given) and it carries at least one of {@code tags} (if any are given).
 *
 * @param question the question's text; BM25 and HYBRID need a non-blank one, VECTOR ignores it
 * @param queryVector the question's unit-length vector ({@code Embedder.embedQuery}); VECTOR and HYBRID
 *     need it; with BM25 it only adds each hit's cosine
 * @param k how many hits to return, 1 to {@value #MAX_K}
 * @param mode which ranking to use
 * @param documentIds if non-empty, only chunks of these documents
 * @param tags if non-empty, only chunks of documents with at least one of these tags
 */
public record SearchRequest(
        String question, Optional<float[]> queryVector, int k, SearchMode mode, Set<String> documentIds,
        Set<String> tags) {

    /** The most hits one search returns; a caller wanting more is paging, which this index does not do. */
    public static final int MAX_K = 1000;

    public SearchRequest {
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(queryVector, "queryVector");
        Objects.requireNonNull(mode, "mode");
        documentIds = Set.copyOf(documentIds);
        tags = Set.copyOf(tags);
        if (k < 1 || k > MAX_K) {
            throw new IllegalArgumentException("k must be 1.." + MAX_K + "; got " + k);
        }
        if (mode != SearchMode.VECTOR && question.isBlank()) {
            throw new IllegalArgumentException(mode + " search needs a non-blank question");
        }
        if (mode != SearchMode.BM25 && queryVector.isEmpty()) {
            throw new IllegalArgumentException(mode + " search needs the question's vector");
        }
    }

    public static SearchRequest bm25(String question, int k) {
        return new SearchRequest(question, Optional.empty(), k, SearchMode.BM25, Set.of(), Set.of());
    }

    public static SearchRequest vector(float[] queryVector, int k) {
        return new SearchRequest("", Optional.of(queryVector), k, SearchMode.VECTOR, Set.of(), Set.of());
    }

    public static SearchRequest hybrid(String question, float[] queryVector, int k) {
        return new SearchRequest(question, Optional.of(queryVector), k, SearchMode.HYBRID, Set.of(), Set.of());
    }

    /** This request limited to chunks of {@code ids}. */
    public SearchRequest inDocuments(Set<String> ids) {
        return new SearchRequest(question, queryVector, k, mode, ids, tags);
    }

    /** This request limited to chunks of documents carrying at least one of {@code anyOf}. */
    public SearchRequest withAnyTag(Set<String> anyOf) {
        return new SearchRequest(question, queryVector, k, mode, documentIds, anyOf);
    }
}
