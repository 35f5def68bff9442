package dev.hearth.model.gguf;

import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * A GGUF file (or metadata built in memory) is not what Hearth can use. The message names the
 * file, the field, the byte offset where known, and what was expected; it is meant to be shown to
 * the user as it is.
 */
public final class GgufFormatException extends RuntimeException {
    private final String file;
    private final String field;
    private final long offset;

    GgufFormatException(Path file, String field, long offset, String problem) {
        super(describe(file, field, offset, problem));
        this.file = file == null ? null : file.toString();
        this.field = field;
        this.offset = offset;
    }

    private static String describe(Path file, String field, long offset, String problem) {
        StringBuilder sb = new StringBuilder();
        if (file != null) {
            sb.append(file).append(": ");
        }
        if (offset >= 0) {
            sb.append("at byte ").append(offset).append(", ");
        }
        sb.append(field).append(": ").append(problem);
        return sb.toString();
    }

    /** The file's path as given, or null for metadata built in memory. */
    public String file() {
        return file;
    }

    /** The field (header field, metadata key, or tensor name) the problem is about. */
    public String field() {
        return field;
    }

    /** Where in the file the field starts, if known. */
    public OptionalLong offset() {
        return offset >= 0 ? OptionalLong.of(offset) : OptionalLong.empty();
    }
}
