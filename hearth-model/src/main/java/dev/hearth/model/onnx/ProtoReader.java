package dev.hearth.model.onnx;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * Protocol-buffer wire format over a window {@code [position, end)} of a memory segment: tags,
 * varints, fixed-width numbers and length-delimited fields, every read checked against the
 * window. A failure is an {@link OnnxFormatException} with the absolute byte offset and the field
 * being read. Only what ONNX uses: no groups (wire types 3 and 4).
 */
final class ProtoReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    private final String source;
    private final MemorySegment data;
    private final String message; // the message type being read, for errors
    private long position;
    private final long end;
    private int field;     // of the last tag read
    private int wireType;  // of the last tag read
    private long tagOffset;

    ProtoReader(String source, MemorySegment data, String message, long start, long end) {
        this.source = source;
        this.data = data;
        this.message = message;
        this.position = start;
        this.end = end;
    }

    /** Whether another field follows in this message. */
    boolean hasField() {
        return position < end;
    }

    /** Reads the next tag; {@link #field()} and {@link #wireType()} then describe it. */
    void readTag() {
        tagOffset = position;
        long tag = varint("tag");
        field = (int) (tag >>> 3);
        wireType = (int) (tag & 7);
        if (field <= 0 || tag >>> 3 > 0x1FFFFFFF) {
            throw problem(tagOffset, "tag", "field number " + (tag >>> 3) + " is not a valid protobuf field number");
        }
    }

    int field() {
        return field;
    }

    int wireType() {
        return wireType;
    }

    /** The offset of the last tag read. */
    long tagOffset() {
        return tagOffset;
    }

    /** Fails unless the last tag has wire type {@code expected}; {@code name} is the field's name. */
    void expect(int expected, String name) {
        if (wireType != expected) {
            throw problem(tagOffset, name, "expected wire type " + expected + " (" + describe(expected)
                    + "), found " + wireType + " (" + describe(wireType) + ")");
        }
    }

    long varint(String name) {
        long start = position;
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (position >= end) {
                throw problem(start, name, "truncated: the data ends inside a varint");
            }
            byte b = data.get(ValueLayout.JAVA_BYTE, position++);
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw problem(start, name, "malformed varint: longer than 10 bytes");
    }

    float fixed32Float(String name) {
        require(4, name);
        float v = data.get(FLOAT, position);
        position += 4;
        return v;
    }

    /** A length-delimited field's bytes as {@code [start, end)} offsets; the reader moves past them. */
    long[] lengthDelimited(String name) {
        long lengthOffset = position;
        long length = varint(name + " length");
        if (length < 0 || length > end - position) {
            throw problem(lengthOffset, name, "truncated: a length of " + length + " bytes, but only "
                    + (end - position) + " remain in the enclosing " + message);
        }
        long start = position;
        position += length;
        return new long[] {start, position};
    }

    /** A reader over the embedded message of the current length-delimited field. */
    ProtoReader message(String name, String type) {
        expect(LENGTH_DELIMITED, name);
        long[] range = lengthDelimited(name);
        return new ProtoReader(source, data, type, range[0], range[1]);
    }

    String string(String name) {
        expect(LENGTH_DELIMITED, name);
        long[] range = lengthDelimited(name);
        return new String(data.asSlice(range[0], range[1] - range[0]).toArray(ValueLayout.JAVA_BYTE),
                StandardCharsets.UTF_8);
    }

    /** Skips the current field's value, whatever its wire type: how unknown fields are ignored. */
    void skip() {
        switch (wireType) {
            case VARINT -> varint("field " + field);
            case FIXED64 -> skipBytes(8);
            case LENGTH_DELIMITED -> lengthDelimited("field " + field);
            case FIXED32 -> skipBytes(4);
            default -> throw problem(tagOffset, "field " + field, "unsupported wire type " + wireType
                    + " (" + describe(wireType) + ")");
        }
    }

    MemorySegment segment() {
        return data;
    }

    OnnxFormatException problem(long offset, String name, String problem) {
        return new OnnxFormatException(source, offset, message + "." + name, problem);
    }

    private void skipBytes(int n) {
        require(n, "field " + field);
        position += n;
    }

    private void require(int n, String name) {
        if (end - position < n) {
            throw problem(position, name, "truncated: " + n + " bytes needed, " + (end - position) + " remain");
        }
    }

    private static String describe(int wireType) {
        return switch (wireType) {
            case VARINT -> "varint";
            case FIXED64 -> "64-bit";
            case LENGTH_DELIMITED -> "length-delimited";
            case 3, 4 -> "group";
            case FIXED32 -> "32-bit";
            default -> "invalid";
        };
    }
}
