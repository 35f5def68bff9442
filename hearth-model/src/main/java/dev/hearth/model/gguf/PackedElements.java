package dev.hearth.model.gguf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * The elements of a large metadata array as the file stores them, one byte array for all of them:
 * a vocabulary's 150k strings or token types are read with one copy, not 150k objects. An element
 * becomes a {@link GgufValue} only when it is read as one ({@link #get}); {@link GgufMetadata}'s
 * typed getters read the bytes directly. Immutable, like every array's element list.
 */
abstract sealed class PackedElements extends AbstractList<GgufValue> implements RandomAccess {

    /** The type of every element. */
    abstract GgufValueType elementType();

    /**
     * Strings, each stored as the file stores it, a uint64 length then UTF-8 bytes, back to back:
     * string {@code i}'s bytes are {@code [starts[i] + 8, starts[i + 1])} of {@code bytes}.
     */
    static final class Strings extends PackedElements {
        private final byte[] bytes;
        private final int[] starts;

        /** {@code starts} has one entry per string plus its end, {@code bytes.length}. */
        Strings(byte[] bytes, int[] starts) {
            this.bytes = bytes;
            this.starts = starts;
        }

        @Override
        GgufValueType elementType() {
            return GgufValueType.STRING;
        }

        @Override
        public GgufValue get(int index) {
            return new GgufValue.Str(Arrays.copyOfRange(bytes, from(index), starts[index + 1]));
        }

        @Override
        public int size() {
            return starts.length - 1;
        }

        /** Every string as text, invalid UTF-8 replaced by U+FFFD as {@link GgufValue.Str#text()} does. */
        List<String> texts() {
            String[] texts = new String[size()];
            for (int i = 0; i < texts.length; i++) {
                texts[i] = new String(bytes, from(i), starts[i + 1] - from(i), StandardCharsets.UTF_8);
            }
            return List.of(texts);
        }

        private int from(int index) {
            return starts[Objects.checkIndex(index, size())] + Long.BYTES;
        }
    }

    /** Integers or floats of one fixed width, little-endian, back to back. */
    static final class Numbers extends PackedElements {
        private final GgufValueType type;
        private final ByteBuffer bytes;
        private final int size;

        Numbers(GgufValueType type, byte[] bytes) {
            this.type = type;
            this.bytes = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            this.size = bytes.length / type.fixedSize();
        }

        @Override
        GgufValueType elementType() {
            return type;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public GgufValue get(int index) {
            Objects.checkIndex(index, size);
            return switch (type) {
                case FLOAT32 -> new GgufValue.Float32(floatAt(index));
                case FLOAT64 -> new GgufValue.Float64(bytes.getDouble(index * 8));
                default -> new GgufValue.Int(type, longAt(index));
            };
        }

        /** Integer element {@code index}, zero-extended where its type is unsigned. */
        long longAt(int index) {
            return switch (type) {
                case UINT8 -> bytes.get(index) & 0xFFL;
                case INT8 -> bytes.get(index);
                case UINT16 -> bytes.getShort(index * 2) & 0xFFFFL;
                case INT16 -> bytes.getShort(index * 2);
                case UINT32 -> bytes.getInt(index * 4) & 0xFFFF_FFFFL;
                case INT32 -> bytes.getInt(index * 4);
                case UINT64, INT64 -> bytes.getLong(index * 8);
                default -> throw new IllegalStateException(type + " is not an integer type");
            };
        }

        /** Float element {@code index}, a float64 rounded to float. */
        float floatAt(int index) {
            return type == GgufValueType.FLOAT64 ? (float) bytes.getDouble(index * 8) : bytes.getFloat(index * 4);
        }
    }
}
