package dev.hearth.compute.quant;

import dev.hearth.compute.tensor.GgmlType;

/** Thrown when Hearth has no weight format, or no quantizer, for a ggml type. */
public final class UnsupportedTypeException extends RuntimeException {

    private final GgmlType type;

    UnsupportedTypeException(GgmlType type, String what) {
        super("no " + what + " for ggml type " + type + " (GGUF id " + type.id() + ")");
        this.type = type;
    }

    /** The type that is not supported. */
    public GgmlType type() {
        return type;
    }
}
