package dev.hearth.kb;

import dev.hearth.kb.answer.Passage;
import dev.hearth.kb.embed.Embedder;
import dev.hearth.kb.index.ChunkIndex;
import dev.hearth.kb.index.SearchHit;
import dev.hearth.kb.index.SearchMode;
import dev.hearth.kb.index.SearchRequest;
import dev.hearth.kb.index.TermOverlap;
import dev.hearth.kb.store.DocumentRecord;
import dev.hearth.kb.store.DocumentStatus;
import dev.hearth.kb.store.IngestionJob;
import dev.hearth.kb.store.JobProgress;
import dev.hearth.kb.store.JobState;
import dev.hearth.kb.store.KnowledgeBase;
import dev.hearth.kb.store.KnowledgeBaseNames;
import dev.hearth.kb.store.KnowledgeBaseStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * An organisation's knowledge bases under one data directory: each a set of documents, cut into
 * passages, embedded and indexed (BM25 and vectors, in Lucene), with its metadata in the embedded
 * store. The one entry point of hearth-kb for the command line and the HTTP API; thread-safe.
 *
 * <p>Ingestion jobs run one at a time on a thread of their own (a Lucene index takes one writer),
 * either awaited ({@link #add}) or in the background ({@link #startAdd}), reporting progress to a
 * listener and to the store. Retrieval runs on the caller's thread, alongside ingestion.
 *
 * <p>On open, documents a killed process left half-added ({@code PENDING}) are marked failed and
 * their chunks removed, chunks of documents the metadata does not know are removed, and jobs it
 * left running are marked failed: the index and the metadata agree again, and nothing but the
 * document in flight was lost.
 */
public final class KnowledgeBases implements AutoCloseable {
    private final KnowledgeBaseOptions options;
    private final Embedder embedder;
    private final KnowledgeBaseStore store;
    private final Clock clock;
    private final Map<String, ChunkIndex> indexes = new HashMap<>(); // guarded by this
    private final Map<String, Integer> running = new ConcurrentHashMap<>(); // jobs not yet ended, by knowledge base
    private final ExecutorService ingestion = Executors.newSingleThreadExecutor(Thread.ofPlatform()
            .name("hearth-kb-ingestion").daemon(true).factory());

    private KnowledgeBases(KnowledgeBaseOptions options, Embedder embedder, KnowledgeBaseStore store, Clock clock) {
        this.options = options;
        this.embedder = embedder;
        this.store = store;
        this.clock = clock;
    }

    /**
     * Opens (creating when new) the knowledge bases under {@code options.dataDir()}.
     *
     * @param embedder the embedding model every knowledge base here uses (one made with another
     *     is refused when first used, by name); closed with these knowledge bases
     * @throws dev.hearth.kb.store.StoreException if the data directory is in use by another
     *     process or cannot be opened
     */
    public static KnowledgeBases open(KnowledgeBaseOptions options, Embedder embedder) {
        try {
            Files.createDirectories(options.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + options.dataDir(), e);
        }
        KnowledgeBaseStore store;
        try {
            store = KnowledgeBaseStore.open(options.dataDir());
        } catch (RuntimeException e) {
            embedder.close();
            throw e;
        }
        KnowledgeBases bases = new KnowledgeBases(options, embedder, store, Clock.systemUTC());
        bases.recover();
        return bases;
    }

    public Embedder embedder() {
        return embedder;
    }

    public KnowledgeBaseOptions options() {
        return options;
    }

    // ---- knowledge bases ----

    /**
     * @throws KnowledgeBaseException if the name is not valid ({@code INVALID}) or taken ({@code CONFLICT})
     */
    public synchronized KnowledgeBaseSummary create(String name, String description) {
        try {
            KnowledgeBaseNames.requireValid(name);
        } catch (IllegalArgumentException e) {
            throw new KnowledgeBaseException(KnowledgeBaseException.Kind.INVALID, e.getMessage());
        }
        if (store.knowledgeBase(name).isPresent()) {
            throw new KnowledgeBaseException(KnowledgeBaseException.Kind.CONFLICT, "a knowledge base called '" + name
                    + "' already exists");
        }
        store.createKnowledgeBase(new KnowledgeBase(name, description == null ? "" : description, clock.instant(),
                embedder.name()));
        index(name);
        return describe(name);
    }

    public synchronized List<KnowledgeBaseSummary> list() {
        return store.knowledgeBases().stream().map(this::summary).toList();
    }

    /** @throws KnowledgeBaseException {@code NOT_FOUND} for an unknown name */
    public synchronized KnowledgeBaseSummary describe(String name) {
        return summary(knowledgeBase(name));
    }

    /**
     * Deletes a knowledge base: its documents, index, uploaded files and jobs.
     *
     * @throws KnowledgeBaseException {@code CONFLICT} while documents are being added to it
     */
    public synchronized void delete(String name) {
        knowledgeBase(name);
        if (jobsOf(name) > 0) {
            throw new KnowledgeBaseException(KnowledgeBaseException.Kind.CONFLICT, "knowledge base '" + name
                    + "' has documents being added; delete it once that job has ended");
        }
        ChunkIndex index = indexes.remove(name);
        if (index != null) {
            index.close();
        }
        store.deleteKnowledgeBase(name);
        deleteTree(folder(name));
    }

    // ---- documents ----

    /** Its documents, by path: indexed, failed and (while being added) pending ones. */
    public List<DocumentRecord> documents(String name) {
        knowledgeBase(name);
        return store.documents(name).stream().sorted(Comparator.comparing(DocumentRecord::path)).toList();
    }

    /**
     * Removes a document, named by its id, its path, or its file name when that is unique.
     *
     * @throws KnowledgeBaseException {@code NOT_FOUND} if there is no such document, {@code
     *     INVALID} if a file name matches several
     */
    public synchronized DocumentRecord removeDocument(String name, String document) {
        DocumentRecord record = findDocument(name, document);
        index(name).deleteDocument(record.id());
        store.deleteDocument(name, record.id());
        Path uploaded = uploads(name);
        Path source = Path.of(record.path());
        if (source.startsWith(uploaded)) { // an upload of ours: its copy goes too
            try {
                Files.deleteIfExists(source);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete the uploaded copy " + source, e);
            }
        }
        return record;
    }

    public DocumentRecord findDocument(String name, String document) {
        knowledgeBase(name);
        Optional<DocumentRecord> byId = store.document(name, document);
        if (byId.isPresent()) {
            return byId.get();
        }
        List<DocumentRecord> all = store.documents(name);
        Path given = Path.of(document).toAbsolutePath().normalize();
        List<DocumentRecord> matches = all.stream().filter(d -> Path.of(d.path()).equals(given)).toList();
        if (matches.isEmpty()) {
            matches = all.stream().filter(d -> Path.of(d.path()).getFileName().toString().equals(document)).toList();
        }
        if (matches.isEmpty()) {
            throw new KnowledgeBaseException(KnowledgeBaseException.Kind.NOT_FOUND, "knowledge base '" + name
                    + "' has no document '" + document + "'");
        }
        if (matches.size() > 1) {
            throw new KnowledgeBaseException(KnowledgeBaseException.Kind.INVALID, "knowledge base '" + name + "' has "
                    + matches.size() + " documents called '" + document + "'; name one by its path or id: "
                    + matches.stream().map(DocumentRecord::path).toList());
        }
        return matches.getFirst();
    }

    /** Where uploads to {@code name} are kept: the HTTP API stores files here, then adds them. */
    public Path uploads(String name) {
        return folder(name).resolve("files");
    }

    // ---- ingestion ----

    /**
     * Adds files and folders (each folder's files below it) and waits for the job to end.
     * A changed file replaces its earlier version; an unchanged one is skipped; a file that
     * cannot be added is reported in the job's errors, and the rest still go in.
     *
     * @param tags tags for these documents, which retrieval can filter on
     * @throws KnowledgeBaseException {@code NOT_FOUND} for an unknown knowledge base
     */
    public IngestionJob add(String name, List<Path> paths, Set<String> tags, IngestionListener listener) {
        Future<IngestionJob> job = ingestion.submit(prepare(name, paths, tags, options.allowedRoots(), listener, () -> false));
        try {
            return job.get();
        } catch (InterruptedException e) {
            job.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while adding documents to " + name, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /**
     * Starts adding in the background and returns the job as started; {@link #job} follows it.
     *
     * @param allowedRoots the folders these files may come from (empty: any)
     * @param cancelled checked between files: true ends the job as cancelled
     */
    public IngestionJob startAdd(String name, List<Path> paths, Set<String> tags, List<Path> allowedRoots,
                                 IngestionListener listener, BooleanSupplier cancelled) {
        PreparedJob job = prepare(name, paths, tags, allowedRoots, listener, cancelled);
        ingestion.execute(job::call);
        return job.job();
    }

    /** A job recorded in the store, its files listed, ready to run on the ingestion thread. */
    private final class PreparedJob implements Callable<IngestionJob> {
        private final IngestionJob job;
        private final Ingestion ingestion;
        private final List<FileSet.Entry> files;
        private final IngestionListener listener;
        private final BooleanSupplier cancelled;

        PreparedJob(IngestionJob job, Ingestion ingestion, List<FileSet.Entry> files, IngestionListener listener,
                    BooleanSupplier cancelled) {
            this.job = job;
            this.ingestion = ingestion;
            this.files = files;
            this.listener = listener;
            this.cancelled = cancelled;
            running.merge(job.knowledgeBase(), 1, Integer::sum);
        }

        IngestionJob job() {
            return job;
        }

        @Override
        public IngestionJob call() {
            try {
                return ingestion.run(job, files, listener, cancelled);
            } finally {
                running.merge(job.knowledgeBase(), -1, (a, b) -> a + b == 0 ? null : a + b);
            }
        }
    }

    /** Jobs prepared or running for {@code name}. */
    private int jobsOf(String name) {
        return running.getOrDefault(name, 0);
    }

    private PreparedJob prepare(String name, List<Path> paths, Set<String> tags, List<Path> allowedRoots,
                                IngestionListener listener, BooleanSupplier cancelled) {
        knowledgeBase(name);
        List<FileSet.Entry> files = FileSet.expand(paths);
        IngestionJob job = store.startJob(name, files.size(), clock.instant());
        Ingestion run = new Ingestion(name, store, index(name), embedder, options.readers(), options.chunker(),
                AllowedRoots.of(allowedRoots), tags, clock);
        return new PreparedJob(job, run, files, listener, cancelled);
    }

    /** A job as it stands, if there is one with that id in that knowledge base. */
    public Optional<IngestionJob> job(String name, long id) {
        return store.job(id).filter(j -> j.knowledgeBase().equals(name));
    }

    // ---- retrieval ----

    /**
     * The passages that answer {@code question} best, relevant ones only: in vector and hybrid
     * modes a passage whose {@linkplain Passage#relevance() relevance} is below
     * {@link KnowledgeBaseOptions#minRelevance()} is left out, so an empty result means the
     * knowledge base does not cover the question.
     */
    public Retrieval retrieve(String name, String question, RetrievalOptions retrieval) {
        knowledgeBase(name);
        if (question == null || question.isBlank()) {
            throw new KnowledgeBaseException(KnowledgeBaseException.Kind.INVALID, "the question is empty");
        }
        Optional<float[]> vector = retrieval.mode() == SearchMode.BM25 ? Optional.empty()
                : Optional.of(embedder.embedQuery(question));
        List<SearchHit> hits = index(name).search(new SearchRequest(question, vector, retrieval.k(), retrieval.mode(),
                retrieval.documentIds(), retrieval.tags()));
        List<Passage> passages = new ArrayList<>(hits.size());
        TermOverlap overlap = TermOverlap.of(question);
        for (SearchHit hit : hits) {
            double similarity = hit.cosine().orElse(Double.NaN);
            double relevance = similarity + overlap.coverage(hit.chunk().text()) / 2;
            if (vector.isPresent() && !(relevance >= options.minRelevance())) {
                continue;
            }
            passages.add(new Passage(passages.size() + 1, hit.documentId(), hit.documentName(), hit.chunk().page(),
                    hit.chunk().start(), hit.chunk().end(), hit.chunk().headingPath(), hit.chunk().text(), hit.score(),
                    similarity, relevance));
        }
        return new Retrieval(name, question, passages);
    }

    @Override
    public synchronized void close() {
        ingestion.shutdownNow();
        try {
            ingestion.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        indexes.values().forEach(ChunkIndex::close);
        indexes.clear();
        store.close();
        embedder.close();
    }

    // ---- inside ----

    private KnowledgeBase knowledgeBase(String name) {
        return store.knowledgeBase(name).orElseThrow(() -> KnowledgeBaseException.unknown(name));
    }

    private KnowledgeBaseSummary summary(KnowledgeBase kb) {
        return new KnowledgeBaseSummary(kb.name(), kb.description(), kb.createdAt(), kb.embedderName(),
                store.documents(kb.name()).size(), index(kb.name()).chunkCount());
    }

    private synchronized ChunkIndex index(String name) {
        return indexes.computeIfAbsent(name, n -> {
            KnowledgeBase kb = knowledgeBase(n);
            if (!kb.embedderName().equals(embedder.name())) {
                throw new KnowledgeBaseException(KnowledgeBaseException.Kind.INVALID, "knowledge base '" + n
                        + "' was built with the embedding model " + kb.embedderName() + ", not " + embedder.name());
            }
            return ChunkIndex.open(folder(n).resolve("index"), embedder.dimension(), embedder.name());
        });
    }

    private Path folder(String name) {
        return options.dataDir().resolve("kb").resolve(name);
    }

    /** Undoes what a killed process left half done (see the class comment). */
    private void recover() {
        for (KnowledgeBase kb : store.knowledgeBases()) {
            ChunkIndex index = index(kb.name());
            Set<String> known = new java.util.HashSet<>();
            store.documents(kb.name()).forEach(d -> known.add(d.id()));
            for (String orphan : index.documentIds()) {
                if (!known.contains(orphan)) { // indexed, but killed before its metadata was written
                    index.deleteDocument(orphan);
                }
            }
            for (DocumentRecord document : store.documents(kb.name())) {
                if (document.status() == DocumentStatus.PENDING) {
                    index.deleteDocument(document.id());
                    store.upsertDocument(new DocumentRecord(kb.name(), document.path(), document.contentHash(),
                            document.sizeBytes(), document.format(), document.tags(), 0, DocumentStatus.FAILED,
                            Optional.of("interrupted while being added (the process stopped); add it again"),
                            clock.instant()));
                }
            }
            for (IngestionJob job : store.recentJobs(kb.name(), Integer.MAX_VALUE)) {
                JobProgress p = job.progress();
                if (p.state() == JobState.RUNNING) {
                    store.updateJob(job.id(), new JobProgress(p.filesDone(), p.filesFailed(), p.chunks(),
                            p.chunksPerSecond(), JobState.FAILED, clock.instant()));
                }
            }
        }
    }

    private static void deleteTree(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + folder, e);
        }
    }
}
