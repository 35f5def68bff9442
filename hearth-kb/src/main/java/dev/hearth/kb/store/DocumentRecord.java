package dev.hearth.kb.store;

import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What the store knows of one document of a knowledge base. Its id is derived from its path
 * ({@link DocumentIds}), so the record has no id of its own to get wrong.
 *
 * @param knowledgeBase the knowledge base's name
 * @param path the source path, normalised as {@link DocumentIds#normalise} does
 * @param contentHash SHA-256 of the file's bytes, 64 lower-case hex digits; tells a changed file from an unchanged one
 * @param sizeBytes the file's size
 * @param format how it was read, e.g. {@code pdf}, {@code docx}, {@code md}
 * @param tags labels searches can filter on
 * @param chunkCount how many chunks it has in the index
 * @param status where it is in ingestion
 * @param error why it failed: present exactly when {@code status} is FAILED
 * @param updatedAt when this record was last written
 */
public record DocumentRecord(
        String knowledgeBase,
        String path,
        String contentHash,
        long sizeBytes,
        String format,
        Set<String> tags,
        int chunkCount,
        DocumentStatus status,
        Optional<String> error,
        Instant updatedAt) {
    public DocumentRecord {
        KnowledgeBaseNames.requireValid(knowledgeBase);
        path = DocumentIds.normalise(path);
        Objects.requireNonNull(contentHash, "contentHash");
        Objects.requireNonNull(format, "format");
        tags = Set.copyOf(tags);
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (contentHash.length() != 64 || !contentHash.chars().allMatch(c -> HexFormat.isHexDigit(c)
                && !Character.isUpperCase(c))) {
            throw new IllegalArgumentException("document " + path + ": the content hash must be SHA-256 as 64 "
                    + "lower-case hex digits; got '" + contentHash + "'");
        }
        if (sizeBytes < 0 || chunkCount < 0) {
            throw new IllegalArgumentException("document " + path + ": size and chunk count must be >= 0; got "
                    + sizeBytes + " and " + chunkCount);
        }
        if (format.isBlank()) {
            throw new IllegalArgumentException("document " + path + " needs a format");
        }
        boolean failed = status == DocumentStatus.FAILED;
        if (failed ? error.filter(e -> !e.isBlank()).isEmpty() : error.isPresent()) {
            throw new IllegalArgumentException("document " + path + ": a FAILED document needs an error message "
                    + "and only a FAILED one may have one; got " + status + " with " + error);
        }
    }

    /** The document's id, the same one its chunks carry in the index. */
    public String id() {
        return DocumentIds.forPath(path);
    }
}
