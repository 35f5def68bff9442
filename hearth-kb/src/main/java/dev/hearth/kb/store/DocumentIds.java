package dev.hearth.kb.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.HexFormat;

/**
 * Document ids: derived from the document's source path, so adding a changed file again yields the same
 * id and replaces the old version, in the store and in the index alike; no lookup is needed to find it.
 *
 * <p>The id is the first 16 bytes of SHA-256 of the path in hex (32 characters), after the path is put in
 * Unicode NFC (macOS hands out NFD names) with '/' separators. Callers pass the path as the knowledge base
 * knows the file: its canonical absolute path ({@code Path.toRealPath()}), or its path relative to a folder
 * the knowledge base was built from. The same file under two spellings is two documents.
 */
public final class DocumentIds {
    private static final int ID_BYTES = 16;

    private DocumentIds() {}

    /** The id of the document at {@code path}. */
    public static String forPath(String path) {
        String normal = normalise(path);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(normal.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, ID_BYTES);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every Java platform has SHA-256", e);
        }
    }

    /** The path as ids are computed from it: NFC, '/' separators. */
    public static String normalise(String path) {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("a document needs a non-blank source path");
        }
        return Normalizer.normalize(path.replace('\\', '/'), Normalizer.Form.NFC);
    }
}
