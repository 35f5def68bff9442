package dev.hearth.model.runtime;

import dev.hearth.compute.tensor.GgmlType;

/** The element type a {@link KvCache} stores keys and values in. */
public enum KvPrecision {
    /** Exact: what the forward pass computed. 4 bytes per element. */
    F32(GgmlType.F32),
    /** Half precision, as llama.cpp's default cache: half the memory, relative error ≤ 2⁻¹¹. */
    F16(GgmlType.F16);

    private final GgmlType type;

    KvPrecision(GgmlType type) {
        this.type = type;
    }

    /** The ggml type of the cache's tensors. */
    public GgmlType type() {
        return type;
    }
}
