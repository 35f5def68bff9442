package dev.hearth.model.gguf;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * One metadata value of a GGUF file. Integers of every width share {@link Int}, which keeps the
 * exact on-disk type so that a file written back is byte-identical.
 */
public sealed interface GgufValue {

    GgufValueType type();

    /**
     * An integer of one of the eight integer types. Unsigned values are stored zero-extended;
     * a {@code uint64} above {@link Long#MAX_VALUE} keeps its bits (read it with
     * {@link Long#toUnsignedString(long)}).
     */
    record Int(GgufValueType type, long value) implements GgufValue {
        public Int {
            if (!type.isInteger()) {
                throw new IllegalArgumentException(type + " is not an integer type");
            }
            boolean fits = switch (type) {
                case UINT8 -> value >= 0 && value <= 0xFF;
                case INT8 -> value >= Byte.MIN_VALUE && value <= Byte.MAX_VALUE;
                case UINT16 -> value >= 0 && value <= 0xFFFF;
                case INT16 -> value >= Short.MIN_VALUE && value <= Short.MAX_VALUE;
                case UINT32 -> value >= 0 && value <= 0xFFFF_FFFFL;
                case INT32 -> value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE;
                default -> true; // 64-bit: every long is a value (uint64 keeps its bits)
            };
            if (!fits) {
                throw new IllegalArgumentException(value + " is out of range for " + type.specName());
            }
        }

        @Override
        public String toString() {
            return type == GgufValueType.UINT64 ? Long.toUnsignedString(value) : Long.toString(value);
        }
    }

    record Float32(float value) implements GgufValue {
        @Override
        public GgufValueType type() {
            return GgufValueType.FLOAT32;
        }
    }

    record Float64(double value) implements GgufValue {
        @Override
        public GgufValueType type() {
            return GgufValueType.FLOAT64;
        }
    }

    record Bool(boolean value) implements GgufValue {
        @Override
        public GgufValueType type() {
            return GgufValueType.BOOL;
        }
    }

    /** A string as the file stores it: UTF-8 bytes, kept raw so invalid sequences survive a round trip. */
    record Str(byte[] utf8) implements GgufValue {
        public Str {
            utf8 = utf8.clone();
        }

        public static Str of(String text) {
            return new Str(text.getBytes(StandardCharsets.UTF_8));
        }

        /** The text, with invalid UTF-8 replaced by U+FFFD. */
        public String text() {
            return new String(utf8, StandardCharsets.UTF_8);
        }

        @Override
        public byte[] utf8() {
            return utf8.clone();
        }

        int length() {
            return utf8.length;
        }

        @Override
        public GgufValueType type() {
            return GgufValueType.STRING;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Str other && Arrays.equals(utf8, other.utf8);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(utf8);
        }

        @Override
        public String toString() {
            return text();
        }
    }

    /**
     * An array whose elements all have {@code elementType}; arrays of arrays nest. The element list
     * is immutable; a file's large arrays keep their elements packed as the file stores them.
     */
    record Array(GgufValueType elementType, List<GgufValue> elements) implements GgufValue {
        public Array {
            if (!(elements instanceof PackedElements packed && packed.elementType() == elementType)) {
                elements = List.copyOf(elements);
                for (GgufValue e : elements) {
                    if (e.type() != elementType) {
                        throw new IllegalArgumentException("array of " + elementType + " holds a " + e.type());
                    }
                }
            }
        }

        @Override
        public GgufValueType type() {
            return GgufValueType.ARRAY;
        }

        @Override
        public String toString() {
            return elementType.specName() + "[" + elements.size() + "]";
        }
    }
}
