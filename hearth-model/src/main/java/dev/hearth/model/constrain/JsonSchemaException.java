package dev.hearth.model.constrain;

/**
 * A JSON Schema that constrained decoding cannot follow: a keyword it does not support, a value
 * of the wrong kind, a {@code $ref} it cannot resolve, or a schema no finite value satisfies. The
 * message starts with the JSON pointer of the offending keyword, e.g.
 * {@code /properties/zip/pattern: the 'pattern' keyword is not supported}, so a server can answer
 * 400 naming it.
 */
public final class JsonSchemaException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String pointer;

    JsonSchemaException(String pointer, String problem) {
        super((pointer.isEmpty() ? "(root)" : pointer) + ": " + problem);
        this.pointer = pointer;
    }

    /** The JSON pointer (RFC 6901) of the keyword or schema at fault; empty for the whole schema. */
    public String pointer() {
        return pointer;
    }
}
