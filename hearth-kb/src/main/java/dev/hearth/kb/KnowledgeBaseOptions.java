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
 * @param minRelevance the relevance ({@link dev.hearth.kb.answer.Passage#relevance()}: cosine
 *     similarity plus half the share of the question's terms the passage holds) below which a
 *     passage is not used; when no passage reaches it, the knowledge base does not cover the question
 */
public record KnowledgeBaseOptions(Path dataDir, DocumentReaders readers, Chunker chunker, List<Path> allowedRoots,
                                   double minRelevance) {
    /**
     * For bge-small-zh-v1.5, measured by the retrieval evaluation (docs/knowledge-base.md): every
     * question's answering passage there scores 0.80 or more, and no passage scores above 0.75 for
     * a question the corpus says nothing about. Cosine alone does not separate them: that model
     * puts any two English sentences fairly close.
     */
    public static final double DEFAULT_MIN_RELEVANCE = 0.78;

    public KnowledgeBaseOptions {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(readers, "readers");
        Objects.requireNonNull(chunker, "chunker");
        allowedRoots = List.copyOf(allowedRoots);
        if (!(minRelevance >= -1 && minRelevance <= 1.5)) {
            throw new IllegalArgumentException("minRelevance must be in -1..1.5, got " + minRelevance);
        }
    }

    /** Standard readers and chunking, any folder, the default relevance threshold. */
    public static KnowledgeBaseOptions defaults(Path dataDir) {
        return new KnowledgeBaseOptions(dataDir, DocumentReaders.standard(), Chunker.defaults(), List.of(),
                DEFAULT_MIN_RELEVANCE);
    }

    public KnowledgeBaseOptions withAllowedRoots(List<Path> roots) {
        return new KnowledgeBaseOptions(dataDir, readers, chunker, roots, minRelevance);
    }

    public KnowledgeBaseOptions withMinRelevance(double threshold) {
        return new KnowledgeBaseOptions(dataDir, readers, chunker, allowedRoots, threshold);
    }

    public KnowledgeBaseOptions withChunker(Chunker chunker) {
        return new KnowledgeBaseOptions(dataDir, readers, chunker, allowedRoots, minRelevance);
    }
}
