package dev.hearth.model.onnx;

/**
 * An ONNX file is not what it should be: truncated, corrupt protobuf, a field of the wrong wire type,
 * or a graph that lacks what the reader needs. The message names the file, the byte offset where
 * the problem was found (when it is about bytes), the field, and what was expected.
 */
public final class OnnxFormatException extends RuntimeException {
    private final long offset;
    private final String field;

    /**
     * @param source the file or stream name
     * @param offset byte offset in the file, or −1 when the problem is not at one place (a missing
     *     tensor, an unexpected graph)
     * @param field the protobuf field or graph element, e.g. {@code GraphProto.node[12].input}
     */
    public OnnxFormatException(String source, long offset, String field, String problem) {
        super(source + ": " + (offset >= 0 ? "at byte " + offset + ", " : "") + field + ": " + problem);
        this.offset = offset;
        this.field = field;
    }

    /** The byte offset of the problem, or −1. */
    public long offset() {
        return offset;
    }

    /** The field or graph element the problem is about. */
    public String field() {
        return field;
    }
}
