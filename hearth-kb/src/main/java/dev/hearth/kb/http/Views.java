package dev.hearth.kb.http;

import dev.hearth.kb.KnowledgeBaseSummary;
import dev.hearth.kb.answer.Passage;
import dev.hearth.kb.store.DocumentRecord;
import dev.hearth.kb.store.FileError;
import dev.hearth.kb.store.IngestionJob;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The knowledge-base API's JSON, as records (snake_case on the wire). Paths of uploaded files are
 * shown relative to the upload folder, so the server's layout stays its own.
 */
final class Views {
    private Views() {
    }

    record KnowledgeBaseView(String name, String description, String createdAt, String embedder, int documents,
                             int chunks) {}

    record DocumentView(String id, String name, String path, String format, long size, int chunks, String status,
                        String error, List<String> tags, String updatedAt) {}

    record JobView(long id, String knowledgeBase, String state, int filesTotal, int filesDone, int filesFailed,
                   long chunks, double chunksPerSecond, String startedAt, String updatedAt, List<ErrorView> errors) {}

    record ErrorView(String file, String message) {}

    /** A passage as an answer cites it: Hearth's {@code citations} extension field holds these. */
    record Citation(int number, String document, String documentId, int page, String heading, int start, int end,
                    String text, double score, Double similarity, Double relevance) {}

    record ListOf<T>(String object, List<T> data) {
        static <T> ListOf<T> of(List<T> data) {
            return new ListOf<>("list", data);
        }
    }

    static KnowledgeBaseView of(KnowledgeBaseSummary kb) {
        return new KnowledgeBaseView(kb.name(), kb.description(), kb.createdAt().toString(), kb.embedder(),
                kb.documents(), kb.chunks());
    }

    static DocumentView of(DocumentRecord d, Path uploads) {
        Path path = Path.of(d.path());
        return new DocumentView(d.id(), path.getFileName().toString(), shown(path, uploads), d.format(), d.sizeBytes(),
                d.chunkCount(), lower(d.status()), d.error().orElse(null), d.tags().stream().sorted().toList(),
                d.updatedAt().toString());
    }

    static JobView of(IngestionJob job, Path uploads) {
        var p = job.progress();
        return new JobView(job.id(), job.knowledgeBase(), lower(p.state()), job.totalFiles(), p.filesDone(),
                p.filesFailed(), p.chunks(), p.chunksPerSecond(), job.startedAt().toString(), p.updatedAt().toString(),
                job.errors().stream().map(e -> of(e, uploads)).toList());
    }

    static Citation of(Passage p) {
        return new Citation(p.number(), p.documentName(), p.documentId(), p.page(), p.headingPath(), p.start(), p.end(),
                p.text(), p.score(), finite(p.similarity()), finite(p.relevance()));
    }

    private static ErrorView of(FileError error, Path uploads) {
        return new ErrorView(shown(Path.of(error.file()), uploads), error.message());
    }

    private static String shown(Path path, Path uploads) {
        return path.startsWith(uploads) ? uploads.relativize(path).toString() : path.toString();
    }

    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
