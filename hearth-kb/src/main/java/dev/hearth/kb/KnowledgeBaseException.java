package dev.hearth.kb;

/**
 * A knowledge-base operation that cannot be done as asked: an unknown name, a name already taken,
 * a bad argument. The message says which knowledge base or document, and what was expected.
 */
public final class KnowledgeBaseException extends RuntimeException {

    /** What went wrong, which an HTTP layer maps to 404, 409 and 400. */
    public enum Kind { NOT_FOUND, CONFLICT, INVALID }

    private final Kind kind;

    public KnowledgeBaseException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    static KnowledgeBaseException unknown(String name) {
        return new KnowledgeBaseException(Kind.NOT_FOUND, "there is no knowledge base called '" + name + "'");
    }
}
