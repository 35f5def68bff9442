package dev.hearth.kb;

import dev.hearth.kb.chunk.Chunker;
import dev.hearth.kb.document.DocumentReaders;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Where knowledge bases live and how documents go in.
 *
 * @param dataDir the data directory: the metadata database, and each knowledge base's index and
 *     uploaded files under {@code kb/NAME/}
 * @param readers the document readers, with their size limit
 * @param chunker how documents are cut into passages (the embedder's token limit is added to it)
 * @param allowedRoots folders files may be added from (real paths, links resolved); empty allows
 *     any readable file, as the command line does for its user
 * @param minSimilarity the cosine similarity below which a passage is not relevant to a
 *     question; when no passage reaches it, the knowledge base does not cover the question
 */
public record KnowledgeBaseOptions(Path dataDir, DocumentReaders readers, Chunker chunker, List<Path> allowedRoots,
                                   double minSimilarity) {
    /**
     * For bge-small-zh-v1.5: the evaluation's answering passages score 0.5 and above, while
     * questions about things the corpus does not hold stay below it (docs/knowledge-base.md).
     */
    public static final double DEFAULT_MIN_SIMILARITY = 0.5;

    public KnowledgeBaseOptions {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(readers, "readers");
        Objects.requireNonNull(chunker, "chunker");
        allowedRoots = List.copyOf(allowedRoots);
        if (!(minSimilarity >= -1 && minSimilarity <= 1)) {
            throw new IllegalArgumentException("minSimilarity must be in -1..1, got " + minSimilarity);
        }
    }

    /** Standard readers and chunking, any folder, the default relevance threshold. */
    public static KnowledgeBaseOptions defaults(Path dataDir) {
        return new KnowledgeBaseOptions(dataDir, DocumentReaders.standard(), Chunker.defaults(), List.of(),
                DEFAULT_MIN_SIMILARITY);
    }

    public KnowledgeBaseOptions withAllowedRoots(List<Path> roots) {
        return new KnowledgeBaseOptions(dataDir, readers, chunker, roots, minSimilarity);
    }

    public KnowledgeBaseOptions withMinSimilarity(double threshold) {
        return new KnowledgeBaseOptions(dataDir, readers, chunker, allowedRoots, threshold);
    }

    public KnowledgeBaseOptions withChunker(Chunker chunker) {
        return new KnowledgeBaseOptions(dataDir, readers, chunker, allowedRoots, minSimilarity);
    }
}
