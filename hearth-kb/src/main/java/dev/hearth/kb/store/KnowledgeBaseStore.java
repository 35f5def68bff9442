package dev.hearth.kb.store;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Hearth's records of its knowledge bases, their documents and their ingestion jobs (the chunks themselves
 * live in each knowledge base's index). Deleting a knowledge base deletes its documents and jobs.
 *
 * <p>Thread-safe; each method is one transaction. Only one process may have a data directory's store open:
 * a second gets {@link IllegalStateException}. Database failures surface as {@link StoreException}.
 */
public interface KnowledgeBaseStore extends AutoCloseable {

    /**
     * Opens the store in {@code dataDir} ({@code kb-meta.mv.db} there), creating the directory and the
     * database on first use.
     *
     * @throws IllegalStateException if another Hearth process, or another store in this one, has it open
     */
    static KnowledgeBaseStore open(Path dataDir) {
        return H2KnowledgeBaseStore.open(dataDir);
    }

    /**
     * Records a new knowledge base.
     *
     * @throws IllegalStateException if one of that name exists
     */
    void createKnowledgeBase(KnowledgeBase kb);

    /** Every knowledge base, by name. */
    List<KnowledgeBase> knowledgeBases();

    Optional<KnowledgeBase> knowledgeBase(String name);

    /** Deletes a knowledge base with its documents and jobs; false if there was none of that name. */
    boolean deleteKnowledgeBase(String name);

    /**
     * Records a document, replacing the record of the same path (hence the same id) if there is one.
     *
     * @throws IllegalArgumentException if its knowledge base does not exist
     */
    void upsertDocument(DocumentRecord document);

    /** The documents of a knowledge base, by path; empty if it has none or does not exist. */
    List<DocumentRecord> documents(String knowledgeBase);

    /** The document with this id ({@link DocumentIds}). */
    Optional<DocumentRecord> document(String knowledgeBase, String id);

    /** The document with this source path, normalised as {@link DocumentIds#normalise} does. */
    Optional<DocumentRecord> documentByPath(String knowledgeBase, String path);

    /** False if there was no such document. */
    boolean deleteDocument(String knowledgeBase, String id);

    /**
     * Records a new job, RUNNING with nothing done yet.
     *
     * @throws IllegalArgumentException if the knowledge base does not exist or {@code totalFiles < 0}
     */
    IngestionJob startJob(String knowledgeBase, int totalFiles, Instant startedAt);

    /**
     * Records a job's progress.
     *
     * @throws IllegalArgumentException if there is no such job, or more files are done and failed than it has
     * @throws IllegalStateException if the job already reached a final state
     */
    void updateJob(long jobId, JobProgress progress);

    /**
     * Adds one failed file to a job's errors (its count is {@link JobProgress#filesFailed}, set separately).
     *
     * @throws IllegalArgumentException if there is no such job
     */
    void addJobError(long jobId, FileError error);

    Optional<IngestionJob> job(long jobId);

    /** A knowledge base's latest {@code limit} jobs, newest first. */
    List<IngestionJob> recentJobs(String knowledgeBase, int limit);

    /** Closes the database; later calls fail. */
    @Override
    void close();
}
