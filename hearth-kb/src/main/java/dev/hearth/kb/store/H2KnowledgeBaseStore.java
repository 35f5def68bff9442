package dev.hearth.kb.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.h2.api.ErrorCode;

/**
 * {@link KnowledgeBaseStore} in an embedded H2 database, {@code <dataDir>/kb-meta.mv.db}.
 *
 * <p>One connection, used under this object's lock: metadata writes are few and small, and one connection
 * keeps the database open for the store's life (H2 closes it when its last connection goes).
 *
 * <p>Exclusive use: H2 locks the database file ({@code FILE_LOCK=FILE}, its default, spelled out), so a
 * second process fails to open it with error 90020. Within one JVM, H2 would instead share the open
 * database with a second connection, so this class refuses a second store on the same directory itself.
 */
final class H2KnowledgeBaseStore implements KnowledgeBaseStore {
    static final String DATABASE_NAME = "kb-meta";

    /** Data directories with a store open in this JVM, by real path. */
    private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();

    private final Path dataDir;
    private final Connection connection; // guarded by this
    private boolean closed; // guarded by this

    private H2KnowledgeBaseStore(Path dataDir, Connection connection) {
        this.dataDir = dataDir;
        this.connection = connection;
    }

    static H2KnowledgeBaseStore open(Path dataDir) {
        Path dir;
        try {
            Files.createDirectories(dataDir);
            dir = dataDir.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + dataDir + ": " + e.getMessage(), e);
        }
        if (!OPEN.add(dir)) {
            throw inUse(dir, null);
        }
        Connection connection = null;
        try {
            connection = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve(DATABASE_NAME)
                    // WRITE_DELAY=0: a commit reaches the file before it returns, so a killed process
                    // loses none (H2 otherwise writes up to half a second later)
                    + ";FILE_LOCK=FILE;WRITE_DELAY=0");
            connection.setAutoCommit(false);
            H2Schema.migrate(connection);
            connection.commit();
            return new H2KnowledgeBaseStore(dir, connection);
        } catch (SQLException e) {
            closeQuietly(connection);
            OPEN.remove(dir);
            if (e.getErrorCode() == ErrorCode.DATABASE_ALREADY_OPEN_1) {
                throw inUse(dir, e);
            }
            throw new StoreException("cannot open the metadata database in " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(connection);
            OPEN.remove(dir);
            throw e;
        }
    }

    private static IllegalStateException inUse(Path dir, Throwable cause) {
        return new IllegalStateException("the data directory " + dir + " is in use by another Hearth process "
                + "(or another store in this one); stop it or use another data directory", cause);
    }

    @Override
    public void createKnowledgeBase(KnowledgeBase kb) {
        Objects.requireNonNull(kb, "kb");
        transaction("create knowledge base " + kb.name(), c -> {
            if (exists(c, kb.name())) {
                throw new IllegalStateException("a knowledge base named " + kb.name() + " already exists");
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO knowledge_base (name, description, embedder, created_at) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, kb.name());
                ps.setString(2, kb.description());
                ps.setString(3, kb.embedderName());
                ps.setObject(4, time(kb.createdAt()));
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<KnowledgeBase> knowledgeBases() {
        return transaction("list knowledge bases", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT name, description, created_at, embedder FROM knowledge_base ORDER BY name")) {
                return readAll(ps, H2KnowledgeBaseStore::knowledgeBase);
            }
        });
    }

    @Override
    public Optional<KnowledgeBase> knowledgeBase(String name) {
        Objects.requireNonNull(name, "name");
        return transaction("read knowledge base " + name, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT name, description, created_at, embedder FROM knowledge_base WHERE name = ?")) {
                ps.setString(1, name);
                return readAll(ps, H2KnowledgeBaseStore::knowledgeBase).stream().findFirst();
            }
        });
    }

    @Override
    public boolean deleteKnowledgeBase(String name) {
        Objects.requireNonNull(name, "name");
        return transaction("delete knowledge base " + name, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM knowledge_base WHERE name = ?")) {
                ps.setString(1, name);
                return ps.executeUpdate() > 0;
            }
        });
    }

    @Override
    public void upsertDocument(DocumentRecord d) {
        Objects.requireNonNull(d, "document");
        transaction("record document " + d.path(), c -> {
            requireKnowledgeBase(c, d.knowledgeBase());
            try (PreparedStatement ps = c.prepareStatement("""
                    MERGE INTO document (kb, id, path, content_hash, size_bytes, format, tags, chunk_count, status,
                        error, updated_at)
                    KEY (kb, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                ps.setString(1, d.knowledgeBase());
                ps.setString(2, d.id());
                ps.setString(3, d.path());
                ps.setString(4, d.contentHash());
                ps.setLong(5, d.sizeBytes());
                ps.setString(6, d.format());
                ps.setObject(7, d.tags().stream().sorted().toArray(String[]::new));
                ps.setInt(8, d.chunkCount());
                ps.setString(9, d.status().name());
                ps.setString(10, d.error().orElse(null));
                ps.setObject(11, time(d.updatedAt()));
                ps.executeUpdate();
            }
            return null;
        });
    }

    private static final String DOCUMENT_COLUMNS =
            "SELECT kb, path, content_hash, size_bytes, format, tags, chunk_count, status, error, updated_at "
                    + "FROM document ";

    @Override
    public List<DocumentRecord> documents(String knowledgeBase) {
        Objects.requireNonNull(knowledgeBase, "knowledgeBase");
        return transaction("list documents of " + knowledgeBase, c -> {
            try (PreparedStatement ps = c.prepareStatement(DOCUMENT_COLUMNS + "WHERE kb = ? ORDER BY path")) {
                ps.setString(1, knowledgeBase);
                return readAll(ps, H2KnowledgeBaseStore::document);
            }
        });
    }

    @Override
    public Optional<DocumentRecord> document(String knowledgeBase, String id) {
        Objects.requireNonNull(knowledgeBase, "knowledgeBase");
        Objects.requireNonNull(id, "id");
        return transaction("read document " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement(DOCUMENT_COLUMNS + "WHERE kb = ? AND id = ?")) {
                ps.setString(1, knowledgeBase);
                ps.setString(2, id);
                return readAll(ps, H2KnowledgeBaseStore::document).stream().findFirst();
            }
        });
    }

    @Override
    public Optional<DocumentRecord> documentByPath(String knowledgeBase, String path) {
        return document(knowledgeBase, DocumentIds.forPath(path));
    }

    @Override
    public boolean deleteDocument(String knowledgeBase, String id) {
        Objects.requireNonNull(knowledgeBase, "knowledgeBase");
        Objects.requireNonNull(id, "id");
        return transaction("delete document " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM document WHERE kb = ? AND id = ?")) {
                ps.setString(1, knowledgeBase);
                ps.setString(2, id);
                return ps.executeUpdate() > 0;
            }
        });
    }

    @Override
    public IngestionJob startJob(String knowledgeBase, int totalFiles, Instant startedAt) {
        Objects.requireNonNull(knowledgeBase, "knowledgeBase");
        Objects.requireNonNull(startedAt, "startedAt");
        if (totalFiles < 0) {
            throw new IllegalArgumentException("a job cannot have " + totalFiles + " files");
        }
        return transaction("start a job in " + knowledgeBase, c -> {
            requireKnowledgeBase(c, knowledgeBase);
            JobProgress progress = JobProgress.started(startedAt);
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO ingestion_job (kb, total_files, files_done, files_failed, chunks, chunks_per_second,
                        state, started_at, updated_at)
                    VALUES (?, ?, 0, 0, 0, 0, ?, ?, ?)""", Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, knowledgeBase);
                ps.setInt(2, totalFiles);
                ps.setString(3, progress.state().name());
                ps.setObject(4, time(startedAt));
                ps.setObject(5, time(startedAt));
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    return new IngestionJob(keys.getLong(1), knowledgeBase, totalFiles, progress, startedAt, List.of());
                }
            }
        });
    }

    @Override
    public void updateJob(long jobId, JobProgress p) {
        Objects.requireNonNull(p, "progress");
        transaction("update job " + jobId, c -> {
            IngestionJob job = readJob(c, jobId, false)
                    .orElseThrow(() -> new IllegalArgumentException("there is no ingestion job " + jobId));
            if (job.progress().state().isFinal()) {
                throw new IllegalStateException("ingestion job " + jobId + " is already " + job.progress().state());
            }
            if ((long) p.filesDone() + p.filesFailed() > job.totalFiles()) {
                throw new IllegalArgumentException("ingestion job " + jobId + " has " + job.totalFiles()
                        + " files, not " + p.filesDone() + " done and " + p.filesFailed() + " failed");
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE ingestion_job SET files_done = ?, files_failed = ?, chunks = ?, chunks_per_second = ?,
                        state = ?, updated_at = ?
                    WHERE id = ?""")) {
                ps.setInt(1, p.filesDone());
                ps.setInt(2, p.filesFailed());
                ps.setLong(3, p.chunks());
                ps.setDouble(4, p.chunksPerSecond());
                ps.setString(5, p.state().name());
                ps.setObject(6, time(p.updatedAt()));
                ps.setLong(7, jobId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void addJobError(long jobId, FileError error) {
        Objects.requireNonNull(error, "error");
        transaction("record an error of job " + jobId, c -> {
            if (readJob(c, jobId, false).isEmpty()) {
                throw new IllegalArgumentException("there is no ingestion job " + jobId);
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO job_error (job_id, file, message) VALUES (?, ?, ?)")) {
                ps.setLong(1, jobId);
                ps.setString(2, error.file());
                ps.setString(3, error.message());
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Optional<IngestionJob> job(long jobId) {
        return transaction("read job " + jobId, c -> readJob(c, jobId, true));
    }

    @Override
    public List<IngestionJob> recentJobs(String knowledgeBase, int limit) {
        Objects.requireNonNull(knowledgeBase, "knowledgeBase");
        if (limit < 1) {
            throw new IllegalArgumentException("a job list needs a limit of at least 1; got " + limit);
        }
        return transaction("list jobs of " + knowledgeBase, c -> {
            List<Long> ids;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id FROM ingestion_job WHERE kb = ? ORDER BY id DESC LIMIT ?")) {
                ps.setString(1, knowledgeBase);
                ps.setInt(2, limit);
                ids = readAll(ps, rs -> rs.getLong(1));
            }
            List<IngestionJob> jobs = new ArrayList<>(ids.size());
            for (long id : ids) {
                jobs.add(readJob(c, id, true).orElseThrow());
            }
            return jobs;
        });
    }

    private static Optional<IngestionJob> readJob(Connection c, long jobId, boolean withErrors) throws SQLException {
        List<FileError> errors = List.of();
        if (withErrors) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT file, message FROM job_error WHERE job_id = ? ORDER BY id")) {
                ps.setLong(1, jobId);
                errors = readAll(ps, rs -> new FileError(rs.getString(1), rs.getString(2)));
            }
        }
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT id, kb, total_files, files_done, files_failed, chunks, chunks_per_second, state, started_at,
                    updated_at
                FROM ingestion_job WHERE id = ?""")) {
            ps.setLong(1, jobId);
            List<FileError> jobErrors = errors;
            return readAll(ps, rs -> new IngestionJob(rs.getLong(1), rs.getString(2), rs.getInt(3),
                    new JobProgress(rs.getInt(4), rs.getInt(5), rs.getLong(6), rs.getDouble(7),
                            JobState.valueOf(rs.getString(8)), instant(rs, 10)),
                    instant(rs, 9), jobErrors)).stream().findFirst();
        }
    }

    private static KnowledgeBase knowledgeBase(ResultSet rs) throws SQLException {
        return new KnowledgeBase(rs.getString(1), rs.getString(2), instant(rs, 3), rs.getString(4));
    }

    private static DocumentRecord document(ResultSet rs) throws SQLException {
        Array tags = rs.getArray(6);
        Set<String> tagSet = Set.copyOf(Arrays.asList((Object[]) tags.getArray()).stream()
                .map(String.class::cast).toList());
        tags.free();
        return new DocumentRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                rs.getString(5), tagSet, rs.getInt(7), DocumentStatus.valueOf(rs.getString(8)),
                Optional.ofNullable(rs.getString(9)), instant(rs, 10));
    }

    private static boolean exists(Connection c, String knowledgeBase) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM knowledge_base WHERE name = ?")) {
            ps.setString(1, knowledgeBase);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void requireKnowledgeBase(Connection c, String knowledgeBase) throws SQLException {
        if (!exists(c, knowledgeBase)) {
            throw new IllegalArgumentException("there is no knowledge base named " + knowledgeBase);
        }
    }

    private static OffsetDateTime time(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    private interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private static <T> List<T> readAll(PreparedStatement ps, Row<T> row) throws SQLException {
        List<T> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(row.read(rs));
            }
        }
        return rows;
    }

    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Runs {@code work} as one transaction: committed if it returns, rolled back if it throws. */
    private synchronized <T> T transaction(String what, Work<T> work) {
        if (closed) {
            throw new IllegalStateException("the metadata store in " + dataDir + " is closed");
        }
        try {
            T result = work.run(connection);
            connection.commit();
            return result;
        } catch (SQLException e) {
            rollBack(e);
            throw new StoreException("cannot " + what + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            rollBack(e);
            throw e;
        }
    }

    private void rollBack(Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            connection.close();
        } catch (SQLException e) {
            throw new StoreException("cannot close the metadata database in " + dataDir + ": " + e.getMessage(), e);
        } finally {
            OPEN.remove(dataDir);
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already failing with the error that matters
            }
        }
    }
}
