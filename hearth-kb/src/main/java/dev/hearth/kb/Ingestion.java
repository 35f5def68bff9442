package dev.hearth.kb;

import dev.hearth.kb.chunk.Chunk;
import dev.hearth.kb.chunk.Chunker;
import dev.hearth.kb.document.DocumentException;
import dev.hearth.kb.document.DocumentReaders;
import dev.hearth.kb.document.ParsedDocument;
import dev.hearth.kb.embed.Embedder;
import dev.hearth.kb.index.ChunkIndex;
import dev.hearth.kb.index.DocumentInfo;
import dev.hearth.kb.store.DocumentIds;
import dev.hearth.kb.store.DocumentRecord;
import dev.hearth.kb.store.DocumentStatus;
import dev.hearth.kb.store.FileError;
import dev.hearth.kb.store.IngestionJob;
import dev.hearth.kb.store.JobProgress;
import dev.hearth.kb.store.JobState;
import dev.hearth.kb.store.KnowledgeBaseStore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * One ingestion job: files read, cut into passages, embedded and indexed, one document at a time.
 *
 * <p>Each document goes in with one index commit, between two metadata writes: {@code PENDING}
 * (with the new content hash) before, {@code INDEXED} after. A process killed in between leaves a
 * {@code PENDING} record, which the next open turns into a failure and whose chunks it removes
 * ({@link KnowledgeBases}): a crash loses at most the document in flight. A file that cannot be
 * read is reported in the job and the batch goes on; an earlier version of it stays indexed.
 */
final class Ingestion {
    /** Passages embedded per call: enough to keep the encoder busy, few enough to report progress often. */
    private static final int EMBED_BATCH = 16;

    private final String knowledgeBase;
    private final KnowledgeBaseStore store;
    private final ChunkIndex index;
    private final Embedder embedder;
    private final DocumentReaders readers;
    private final Chunker chunker;
    private final AllowedRoots roots;
    private final Set<String> tags;
    private final Clock clock;

    Ingestion(String knowledgeBase, KnowledgeBaseStore store, ChunkIndex index, Embedder embedder, DocumentReaders readers,
              Chunker chunker, AllowedRoots roots, Set<String> tags, Clock clock) {
        this.knowledgeBase = knowledgeBase;
        this.store = store;
        this.index = index;
        this.embedder = embedder;
        this.readers = readers;
        this.chunker = chunker.withTokenLimit(embedder::countTokens, embedder.maxTokens());
        this.roots = roots;
        this.tags = Set.copyOf(tags);
        this.clock = clock;
    }

    /** Adds every file of {@code files} (folders already expanded); returns the finished job. */
    IngestionJob run(IngestionJob job, List<FileSet.Entry> files, IngestionListener listener, BooleanSupplier cancelled) {
        Progress progress = new Progress(job, clock.instant());
        try {
            return run(files, progress, listener, cancelled);
        } catch (RuntimeException e) { // the index or the store failed: the job ends, and says why
            progress.jobFailed(new FileError("(the job)", e.toString()));
            progress.finish(JobState.FAILED, listener);
            throw e;
        }
    }

    private IngestionJob run(List<FileSet.Entry> files, Progress progress, IngestionListener listener,
                             BooleanSupplier cancelled) {
        for (FileSet.Entry entry : files) {
            if (cancelled.getAsBoolean()) {
                return progress.finish(JobState.CANCELLED, listener);
            }
            Optional<String> error = entry.error();
            if (error.isEmpty()) {
                error = add(entry.path(), progress, listener);
            }
            if (error.isPresent()) {
                progress.failed(new FileError(entry.path().toString(), error.get()));
            } else {
                progress.filesDone++;
            }
            progress.report(listener);
        }
        return progress.finish(JobState.DONE, listener);
    }

    /** Adds one file; the reason it could not be added, if it could not. */
    private Optional<String> add(Path file, Progress progress, IngestionListener listener) {
        Path real;
        String hash;
        try {
            real = file.toRealPath();
            Optional<String> outside = roots.check(real);
            if (outside.isPresent()) {
                return outside;
            }
            hash = sha256(real);
        } catch (IOException e) {
            return Optional.of("cannot read it: " + e.getMessage());
        }
        String path = real.toString();
        String id = DocumentIds.forPath(path);
        Optional<DocumentRecord> existing = store.document(knowledgeBase, id);
        if (existing.isPresent() && existing.get().status() == DocumentStatus.INDEXED
                && existing.get().contentHash().equals(hash) && existing.get().tags().equals(tags)) {
            return Optional.empty(); // unchanged: nothing to do
        }
        ParsedDocument document;
        List<Chunk> chunks;
        try {
            document = readers.read(real);
            chunks = chunker.chunk(document);
        } catch (DocumentException e) {
            recordFailure(existing, path, hash, e.reason());
            return Optional.of(e.reason());
        } catch (RuntimeException e) { // a reader's or chunker's bug must not end the batch
            recordFailure(existing, path, hash, "cannot read it: " + e);
            return Optional.of("cannot read it: " + e);
        }
        if (chunks.isEmpty()) {
            recordFailure(existing, path, hash, "no text to index");
            return Optional.of("no text to index");
        }
        List<float[]> vectors = new ArrayList<>(chunks.size());
        for (int from = 0; from < chunks.size(); from += EMBED_BATCH) {
            List<Chunk> batch = chunks.subList(from, Math.min(chunks.size(), from + EMBED_BATCH));
            vectors.addAll(embedder.embedPassages(batch.stream().map(this::embeddingText).toList()));
            progress.chunks += batch.size();
            progress.report(listener);
        }
        long size = sizeOf(real);
        String format = document.format().name().toLowerCase(java.util.Locale.ROOT);
        store.upsertDocument(record(path, hash, size, format, chunks.size(), DocumentStatus.PENDING, Optional.empty()));
        index.replaceDocument(id, new DocumentInfo(real.getFileName().toString(), tags), chunks, vectors);
        store.upsertDocument(record(path, hash, size, format, chunks.size(), DocumentStatus.INDEXED, Optional.empty()));
        return Optional.empty();
    }

    /**
     * What the encoder sees for a passage: its heading path, then its text, when both fit the
     * encoder's window (the heading tells a passage's topic); the text alone otherwise.
     */
    private String embeddingText(Chunk chunk) {
        if (chunk.headings().isEmpty()) {
            return chunk.text();
        }
        String withHeadings = chunk.headingPath() + "\n" + chunk.text();
        return embedder.countTokens(withHeadings) <= embedder.maxTokens() ? withHeadings : chunk.text();
    }

    /** A new document that failed is listed as failed; a failed update leaves the indexed version. */
    private void recordFailure(Optional<DocumentRecord> existing, String path, String hash, String reason) {
        if (existing.isEmpty() || existing.get().status() != DocumentStatus.INDEXED) {
            String format = path.contains(".") ? path.substring(path.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT) : "unknown";
            store.upsertDocument(record(path, hash, sizeOf(Path.of(path)), format.isBlank() ? "unknown" : format, 0,
                    DocumentStatus.FAILED, Optional.of(reason)));
        }
    }

    private DocumentRecord record(String path, String hash, long size, String format, int chunks, DocumentStatus status,
                                  Optional<String> error) {
        return new DocumentRecord(knowledgeBase, path, hash, size, format, tags, chunks, status, error, clock.instant());
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every Java platform has SHA-256", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The job's counts as they grow, written to the store after each file. */
    private final class Progress {
        private final IngestionJob job;
        private final Instant started;
        private final List<FileError> errors = new ArrayList<>();
        int filesDone;
        int filesFailed;
        long chunks;

        Progress(IngestionJob job, Instant started) {
            this.job = job;
            this.started = started;
        }

        void failed(FileError error) {
            filesFailed++;
            errors.add(error);
            store.addJobError(job.id(), error);
        }

        /** An error of the whole job, which no file is counted for. */
        void jobFailed(FileError error) {
            errors.add(error);
            store.addJobError(job.id(), error);
        }

        void report(IngestionListener listener) {
            JobProgress now = snapshot(JobState.RUNNING);
            store.updateJob(job.id(), now);
            listener.progress(asJob(now));
        }

        IngestionJob finish(JobState state, IngestionListener listener) {
            JobProgress last = snapshot(state);
            store.updateJob(job.id(), last);
            IngestionJob finished = asJob(last);
            listener.progress(finished);
            return finished;
        }

        private JobProgress snapshot(JobState state) {
            Instant now = clock.instant();
            double seconds = Duration.between(started, now).toNanos() / 1e9;
            return new JobProgress(filesDone, filesFailed, chunks, seconds > 0 ? chunks / seconds : 0, state, now);
        }

        private IngestionJob asJob(JobProgress progress) {
            return new IngestionJob(job.id(), knowledgeBase, job.totalFiles(), progress, job.startedAt(), errors);
        }
    }
}
