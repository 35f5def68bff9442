package dev.hearth.kb.document;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A file that could not be read as a document, with the reason in words a user can act on
 * ("encrypted", "unsupported format .doc (supported: …)"). Checked, so that a batch handles each
 * file's failure and goes on with the next.
 */
public final class DocumentException extends Exception {

    private final transient Path file;
    private final String reason;

    public DocumentException(Path file, String reason) {
        this(file, reason, null);
    }

    public DocumentException(Path file, String reason, Throwable cause) {
        super(file + ": " + reason, cause);
        this.file = Objects.requireNonNull(file, "file");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** The file that failed. */
    public Path file() {
        return file;
    }

    /** Why, without the file name. */
    public String reason() {
        return reason;
    }
}
