package dev.hearth.model.gguf;

import java.util.Optional;

/** The metadata value types of GGUF, with their on-disk ids and fixed sizes. */
public enum GgufValueType {
    UINT8(0, 1),
    INT8(1, 1),
    UINT16(2, 2),
    INT16(3, 2),
    UINT32(4, 4),
    INT32(5, 4),
    FLOAT32(6, 4),
    BOOL(7, 1),
    STRING(8, 0),
    ARRAY(9, 0),
    UINT64(10, 8),
    INT64(11, 8),
    FLOAT64(12, 8);

    private final int id;
    private final int size;

    GgufValueType(int id, int size) {
        this.id = id;
        this.size = size;
    }

    public int id() {
        return id;
    }

    /** Bytes of one value; 0 for the variable-length STRING and ARRAY. */
    public int fixedSize() {
        return size;
    }

    /** Smallest encoded size of one value: a string or array still has its length fields. */
    int minEncodedSize() {
        return switch (this) {
            case STRING -> 8;
            case ARRAY -> 12;
            default -> size;
        };
    }

    public boolean isInteger() {
        return this == UINT8 || this == INT8 || this == UINT16 || this == INT16
                || this == UINT32 || this == INT32 || this == UINT64 || this == INT64;
    }

    public static Optional<GgufValueType> fromId(int id) {
        for (GgufValueType t : values()) {
            if (t.id == id) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** The name as the GGUF spec and llama.cpp print it, e.g. {@code uint32}. */
    public String specName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
