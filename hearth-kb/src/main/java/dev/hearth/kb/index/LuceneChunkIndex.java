package dev.hearth.kb.index;

import dev.hearth.kb.chunk.Chunk;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.IOUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@link ChunkIndex} over a Lucene directory (memory-mapped where the platform allows).
 *
 * <p>Searchers come from the last commit, not from the writer's uncommitted state: a search can then
 * never see half a replacement, and a failed write is undone by rolling the writer back to that commit.
 * Each write commits and refreshes the searchers before it returns, so searches see it at once.
 */
final class LuceneChunkIndex implements ChunkIndex {
    /** Commit user data: which model's vectors the index holds, and how long they are. */
    static final String EMBEDDER_KEY = "hearth.embedder";
    static final String DIMENSION_KEY = "hearth.dimension";

    /** How far a vector's squared norm may stray from 1 (float rounding in the model's normalisation). */
    private static final double NORM_TOLERANCE = 1e-3;

    /** Each list HYBRID fuses is this many times k long, and at least {@link #MIN_FUSION_DEPTH}. */
    private static final int FUSION_DEPTH_PER_HIT = 4;
    private static final int MIN_FUSION_DEPTH = 40;

    private final Path dir;
    private final int dimension;
    private final String embedderName;
    private final Directory directory;
    private final Analyzer analyzer;
    private final SearcherManager searchers;
    private final Object writeLock = new Object();
    private IndexWriter writer; // guarded by writeLock; replaced when a failed write is rolled back
    private boolean closed; // guarded by writeLock

    private LuceneChunkIndex(Path dir, int dimension, String embedderName, Directory directory, Analyzer analyzer,
            IndexWriter writer) throws IOException {
        this.dir = dir;
        this.dimension = dimension;
        this.embedderName = embedderName;
        this.directory = directory;
        this.analyzer = analyzer;
        this.writer = writer;
        this.searchers = new SearcherManager(directory, null);
    }

    static LuceneChunkIndex open(Path dir, int dimension, String embedderName) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(embedderName, "embedderName");
        if (dimension < 1 || dimension > KnnVectorsFormat.DEFAULT_MAX_DIMENSIONS) {
            throw new IllegalArgumentException("a vector dimension must be 1.." + KnnVectorsFormat.DEFAULT_MAX_DIMENSIONS
                    + " (Lucene's limit); got " + dimension);
        }
        if (embedderName.isBlank()) {
            throw new IllegalArgumentException("the embedder needs a non-blank name");
        }
        Directory directory = null;
        Analyzer analyzer = ChunkFields.analyzer();
        try {
            Files.createDirectories(dir);
            directory = FSDirectory.open(dir);
            boolean exists = DirectoryReader.indexExists(directory);
            if (exists) {
                checkCompatible(dir, SegmentInfos.readLatestCommit(directory).getUserData(), dimension, embedderName);
            }
            IndexWriter writer = openWriter(dir, directory, analyzer, dimension, embedderName);
            if (!exists) {
                // an empty first commit, so the metadata is on disk before any chunk is, and searchers can open
                writer.commit();
            }
            return new LuceneChunkIndex(dir, dimension, embedderName, directory, analyzer, writer);
        } catch (IOException e) {
            IOUtils.closeWhileHandlingException(analyzer, directory);
            throw new UncheckedIOException("cannot open the chunk index at " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            IOUtils.closeWhileHandlingException(analyzer, directory);
            throw e;
        }
    }

    private static void checkCompatible(Path dir, Map<String, String> userData, int dimension, String embedderName) {
        String builtWith = userData.get(EMBEDDER_KEY);
        String builtDimension = userData.get(DIMENSION_KEY);
        if (builtWith == null || builtDimension == null) {
            throw new IllegalStateException("the index at " + dir + " was not built by Hearth (its commit names no "
                    + "embedder); move it away or choose another directory");
        }
        if (!builtWith.equals(embedderName) || !builtDimension.equals(Integer.toString(dimension))) {
            throw new IllegalStateException("the index at " + dir + " holds vectors of " + builtWith + " (dimension "
                    + builtDimension + "), not of " + embedderName + " (dimension " + dimension
                    + "): rebuild the knowledge base with the new embedder, or use " + builtWith);
        }
    }

    private static IndexWriter openWriter(Path dir, Directory directory, Analyzer analyzer, int dimension,
            String embedderName) throws IOException {
        IndexWriterConfig config = new IndexWriterConfig(analyzer)
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                // every write commits itself; anything still pending at close is a failed write's, so drop it
                .setCommitOnClose(false);
        try {
            IndexWriter writer = new IndexWriter(directory, config);
            writer.setLiveCommitData(Map.of(EMBEDDER_KEY, embedderName, DIMENSION_KEY, Integer.toString(dimension))
                    .entrySet());
            return writer;
        } catch (LockObtainFailedException e) {
            throw new IllegalStateException("the index at " + dir + " is open elsewhere (another Hearth process, "
                    + "or another ChunkIndex in this one)", e);
        }
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public String embedderName() {
        return embedderName;
    }

    @Override
    public void replaceDocument(String documentId, DocumentInfo info, List<Chunk> chunks, List<float[]> vectors) {
        replaceDocuments(List.of(new DocumentChunks(documentId, info, chunks, vectors)));
    }

    @Override
    public void replaceDocuments(List<DocumentChunks> documents) {
        Set<String> ids = new HashSet<>();
        List<List<Document>> blocks = new ArrayList<>(documents.size());
        for (DocumentChunks d : documents) {
            if (!ids.add(d.documentId())) {
                throw new IllegalArgumentException("document " + d.documentId() + " appears twice in one batch");
            }
            List<Document> block = new ArrayList<>(d.chunks().size());
            for (int i = 0; i < d.chunks().size(); i++) {
                checkVector(d.documentId(), i, d.vectors().get(i));
                block.add(ChunkFields.document(d.documentId(), d.info(), i, d.chunks().get(i), d.vectors().get(i)));
            }
            blocks.add(block);
        }
        // each document one block, so Lucene deletes its old chunks and adds the new together; the one commit
        // after them publishes the whole batch
        write(w -> {
            for (int i = 0; i < blocks.size(); i++) {
                w.updateDocuments(new Term(ChunkFields.DOC_ID, documents.get(i).documentId()), blocks.get(i));
            }
        });
    }

    @Override
    public void deleteDocument(String documentId) {
        requireId(documentId);
        write(w -> w.deleteDocuments(new Term(ChunkFields.DOC_ID, documentId)));
    }

    private interface WriteOp {
        void apply(IndexWriter writer) throws IOException;
    }

    /** Applies {@code op} and commits; on failure rolls back to the last commit, leaving the index as it was. */
    private void write(WriteOp op) {
        synchronized (writeLock) {
            if (closed) {
                throw new IllegalStateException("the index at " + dir + " is closed");
            }
            try {
                op.apply(writer);
                writer.commit();
            } catch (IOException | RuntimeException e) {
                rollBack(e);
                throw e instanceof IOException io
                        ? new UncheckedIOException("writing the index at " + dir + " failed: " + e.getMessage(), io)
                        : (RuntimeException) e;
            }
            try {
                searchers.maybeRefreshBlocking();
            } catch (IOException e) {
                throw new UncheckedIOException("the index at " + dir + " was written but cannot be reopened for "
                        + "searching: " + e.getMessage(), e);
            }
        }
    }

    private void rollBack(Exception cause) {
        try {
            writer.rollback();
            writer = openWriter(dir, directory, analyzer, dimension, embedderName);
        } catch (IOException | RuntimeException e) {
            // the writer is gone and cannot be reopened: searches still work, writes will fail as closed
            cause.addSuppressed(e);
        }
    }

    @Override
    public int chunkCount() {
        return withSearcher(searcher -> searcher.getIndexReader().numDocs());
    }

    @Override
    public long documentChunkCount(String documentId) {
        requireId(documentId);
        return withSearcher(searcher -> searcher.count(new TermQuery(new Term(ChunkFields.DOC_ID, documentId))));
    }

    @Override
    public Set<String> documentIds() {
        return withSearcher(searcher -> {
            Set<String> ids = new TreeSet<>();
            for (var leaf : searcher.getIndexReader().leaves()) {
                Terms terms = leaf.reader().terms(ChunkFields.DOC_ID);
                if (terms == null) {
                    continue;
                }
                TermsEnum each = terms.iterator();
                PostingsEnum postings = null;
                for (BytesRef term = each.next(); term != null; term = each.next()) {
                    postings = each.postings(postings, PostingsEnum.NONE);
                    Bits live = leaf.reader().getLiveDocs();
                    for (int doc = postings.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS;
                         doc = postings.nextDoc()) {
                        if (live == null || live.get(doc)) { // a deleted chunk's term lingers until a merge
                            ids.add(term.utf8ToString());
                            break;
                        }
                    }
                }
            }
            return ids;
        });
    }

    @Override
    public List<SearchHit> search(SearchRequest request) {
        Objects.requireNonNull(request, "request");
        request.queryVector().ifPresent(v -> {
            if (v.length != dimension) {
                throw new IllegalArgumentException("the query vector has " + v.length + " dimensions; the index at "
                        + dir + " holds " + dimension);
            }
        });
        return withSearcher(searcher -> search(searcher, request));
    }

    private List<SearchHit> search(IndexSearcher searcher, SearchRequest request) throws IOException {
        Optional<Query> filter = filter(request);
        int depth = request.mode() == SearchMode.HYBRID
                ? Math.max(request.k() * FUSION_DEPTH_PER_HIT, MIN_FUSION_DEPTH)
                : request.k();
        List<Integer> lexical = new ArrayList<>();
        Map<Integer, Float> bm25 = new HashMap<>();
        if (request.mode() != SearchMode.VECTOR) {
            Query query = LexicalQuery.of(request.question(), analyzer);
            if (filter.isPresent()) {
                query = new BooleanQuery.Builder()
                        .add(query, BooleanClause.Occur.MUST)
                        .add(filter.get(), BooleanClause.Occur.FILTER)
                        .build();
            }
            for (ScoreDoc hit : searcher.search(query, depth).scoreDocs) {
                lexical.add(hit.doc);
                bm25.put(hit.doc, hit.score);
            }
        }
        List<Integer> nearest = new ArrayList<>();
        if (request.mode() != SearchMode.BM25) {
            Query knn = new KnnFloatVectorQuery(ChunkFields.VECTOR, request.queryVector().orElseThrow(), depth,
                    filter.orElse(null));
            for (ScoreDoc hit : searcher.search(knn, depth).scoreDocs) {
                nearest.add(hit.doc);
            }
        }
        List<ReciprocalRankFusion.Fused> ranked = ReciprocalRankFusion.fuse(lexical, nearest);
        StoredFields stored = searcher.storedFields();
        List<SearchHit> hits = new ArrayList<>(Math.min(request.k(), ranked.size()));
        for (ReciprocalRankFusion.Fused fused : ranked.subList(0, Math.min(request.k(), ranked.size()))) {
            OptionalDouble cosine = request.queryVector().isPresent()
                    ? OptionalDouble.of(dot(request.queryVector().get(), vector(searcher, fused.doc())))
                    : OptionalDouble.empty();
            OptionalDouble bm25Score = bm25.containsKey(fused.doc())
                    ? OptionalDouble.of(bm25.get(fused.doc()))
                    : OptionalDouble.empty();
            double score = switch (request.mode()) {
                case BM25 -> bm25Score.orElseThrow();
                case VECTOR -> cosine.orElseThrow();
                case HYBRID -> fused.score();
            };
            Document doc = stored.document(fused.doc());
            hits.add(new SearchHit(doc.get(ChunkFields.DOC_ID), doc.get(ChunkFields.DOC_NAME),
                    ChunkFields.ordinal(doc), ChunkFields.chunk(doc), score, bm25Score, rank(fused.lexicalRank()),
                    cosine, rank(fused.vectorRank())));
        }
        return hits;
    }

    /** Documents and tags as filter clauses; each set, when non-empty, must match. */
    private static Optional<Query> filter(SearchRequest request) {
        if (request.documentIds().isEmpty() && request.tags().isEmpty()) {
            return Optional.empty();
        }
        BooleanQuery.Builder filter = new BooleanQuery.Builder();
        if (!request.documentIds().isEmpty()) {
            filter.add(anyOf(ChunkFields.DOC_ID, request.documentIds()), BooleanClause.Occur.FILTER);
        }
        if (!request.tags().isEmpty()) {
            filter.add(anyOf(ChunkFields.TAG, request.tags()), BooleanClause.Occur.FILTER);
        }
        return Optional.of(filter.build());
    }

    private static Query anyOf(String field, Set<String> values) {
        Collection<BytesRef> terms = values.stream().map(BytesRef::new).toList();
        return new TermInSetQuery(field, terms);
    }

    /** The stored vector of a chunk, read from its segment's vector values (a seek, not a scan). */
    private static float[] vector(IndexSearcher searcher, int doc) throws IOException {
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
        FloatVectorValues values = leaf.reader().getFloatVectorValues(ChunkFields.VECTOR);
        int local = doc - leaf.docBase;
        KnnVectorValues.DocIndexIterator iterator = values == null ? null : values.iterator();
        if (iterator == null || iterator.advance(local) != local) {
            throw new IllegalStateException("chunk " + doc + " has no vector; every chunk is indexed with one");
        }
        return values.vectorValue(iterator.index());
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static OptionalInt rank(int rank) {
        return rank == 0 ? OptionalInt.empty() : OptionalInt.of(rank);
    }

    private void checkVector(String documentId, int ordinal, float[] vector) {
        if (vector.length != dimension) {
            throw new IllegalArgumentException("chunk " + ordinal + " of document " + documentId + " has a vector of "
                    + vector.length + " dimensions; the index holds " + dimension);
        }
        double norm2 = dot(vector, vector);
        if (!(Math.abs(norm2 - 1) <= NORM_TOLERANCE)) {
            throw new IllegalArgumentException("chunk " + ordinal + " of document " + documentId
                    + " has a vector of norm " + Math.sqrt(norm2) + "; the index needs unit-length vectors");
        }
    }

    private static void requireId(String documentId) {
        Objects.requireNonNull(documentId, "documentId");
        if (documentId.isBlank()) {
            throw new IllegalArgumentException("a document id must not be blank");
        }
    }

    private interface SearcherOp<T> {
        T apply(IndexSearcher searcher) throws IOException;
    }

    private <T> T withSearcher(SearcherOp<T> op) {
        IndexSearcher searcher;
        try {
            searcher = searchers.acquire();
        } catch (AlreadyClosedException e) {
            throw new IllegalStateException("the index at " + dir + " is closed", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a searcher on the index at " + dir + ": " + e.getMessage(), e);
        }
        try {
            return op.apply(searcher);
        } catch (IOException e) {
            throw new UncheckedIOException("searching the index at " + dir + " failed: " + e.getMessage(), e);
        } finally {
            try {
                searchers.release(searcher);
            } catch (IOException e) {
                // releasing only decrements a count and may close an old reader; a failure there loses nothing
            }
        }
    }

    @Override
    public void close() {
        synchronized (writeLock) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                IOUtils.close(writer, searchers, analyzer, directory);
            } catch (IOException e) {
                throw new UncheckedIOException("closing the index at " + dir + " failed: " + e.getMessage(), e);
            }
        }
    }
}
