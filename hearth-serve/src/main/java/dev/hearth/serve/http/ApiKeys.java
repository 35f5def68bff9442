package dev.hearth.serve.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The API keys a server accepts, held only as SHA-256 hashes: a leaked key file or heap dump gives
 * no key away. A presented key is hashed and compared with every stored hash in constant time
 * ({@link MessageDigest#isEqual}), and the loop never stops early, so timing tells neither how
 * much of a hash matched nor which one.
 *
 * <p>The file format is one hash a line, 64 hex digits; {@code #} starts a comment; anything after
 * the hash on its line is ignored, so the output of {@code printf %s "$KEY" | sha256sum} (hash,
 * spaces, {@code -}) can be appended as is. Immutable and thread-safe.
 */
public final class ApiKeys {
    private static final HexFormat HEX = HexFormat.of();
    private static final int SHA256_BYTES = 32;

    private final List<byte[]> hashes;

    private ApiKeys(List<byte[]> hashes) {
        this.hashes = List.copyOf(hashes);
    }

    /** No keys: every request is let in. */
    public static ApiKeys none() {
        return new ApiKeys(List.of());
    }

    /** The hashes in {@code file}. */
    public static ApiKeys load(Path file) throws IOException {
        List<byte[]> hashes = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int comment = line.indexOf('#');
            String content = (comment >= 0 ? line.substring(0, comment) : line).strip();
            if (content.isEmpty()) {
                continue;
            }
            String hex = content.split("\\s+", 2)[0];
            if (hex.length() != 2 * SHA256_BYTES || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                // the line is not echoed: it might be a key pasted by mistake
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": expected a SHA-256 hash (64 hex digits)"
                        + "; make one with 'hearth serve --hash-key' or 'printf %s KEY | sha256sum'");
            }
            hashes.add(HEX.parseHex(hex));
        }
        if (hashes.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no key hashes; a server with an empty key file would refuse every request");
        }
        return new ApiKeys(hashes);
    }

    /** The SHA-256 of {@code key}'s UTF-8 bytes, as 64 lower-case hex digits: a line of the key file. */
    public static String hash(String key) {
        return HEX.formatHex(sha256(key));
    }

    /** Whether any key is configured (and so required). */
    public boolean required() {
        return !hashes.isEmpty();
    }

    /** Whether {@code key} is one of the keys; false for null. */
    public boolean accepts(String key) {
        if (key == null) {
            return false;
        }
        byte[] presented = sha256(key);
        boolean match = false;
        for (byte[] hash : hashes) {
            match |= MessageDigest.isEqual(hash, presented);
        }
        return match;
    }

    /** The key in an {@code Authorization: Bearer KEY} header value; null when there is none. */
    public static String bearer(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.strip();
        if (value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String key = value.substring(7).strip();
        return key.isEmpty() ? null : key;
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "ApiKeys[" + hashes.size() + " hashes]";
    }
}
