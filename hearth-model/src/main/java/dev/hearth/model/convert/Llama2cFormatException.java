package dev.hearth.model.convert;

import java.nio.file.Path;

/**
 * A llama2.c checkpoint or tokenizer file is not what its header (or the model it is paired with)
 * declares. The message names the file, the field, the byte offset where known, and what was
 * expected, in the same shape as {@link dev.hearth.model.gguf.GgufFormatException}; it is meant to
 * be shown to the user as it is.
 */
public final class Llama2cFormatException extends RuntimeException {

    Llama2cFormatException(Path file, String field, long offset, String problem) {
        super(file + ": " + (offset >= 0 ? "at byte " + offset + ", " : "") + field + ": " + problem);
    }
}
