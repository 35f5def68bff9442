package dev.hearth.kb.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One run of adding files to a knowledge base.
 *
 * @param id the store's number for it, increasing with time
 * @param knowledgeBase the knowledge base's name
 * @param totalFiles how many files it set out to ingest
 * @param progress how far it has got
 * @param startedAt when it was created
 * @param errors one per failed file, in the order they were recorded
 */
public record IngestionJob(long id, String knowledgeBase, int totalFiles, JobProgress progress, Instant startedAt,
        List<FileError> errors) {
    public IngestionJob {
        Objects.requireNonNull(knowledgeBase, "knowledgeBase");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(startedAt, "startedAt");
        errors = List.copyOf(errors);
    }
}
