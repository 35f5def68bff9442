package dev.hearth.model.synth;

import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.compute.tensor.Shape;

/**
 * One tensor of a synthetic model: its GGUF name, type and shape (ggml order, {@code [cols, rows]}),
 * and what its values are.
 */
public record PlannedTensor(String name, GgmlType type, Shape shape, Values values) {

    /** What a tensor holds before it is converted to its type. */
    public sealed interface Values {
        /** Independent draws from N(mean, std²), seeded per row (see {@link SyntheticModels}). */
        record Gaussian(double mean, double std) implements Values {}

        /** These values, the same whatever the seed (Llama 3's RoPE frequency factors). */
        record Fixed(float[] values) implements Values {}
    }

    /** Elements along dimension 0. */
    public long rowLength() {
        return shape.dim(0);
    }

    /** Bytes in the file. */
    public long byteSize() {
        return type.byteSize(shape.elementCount());
    }
}
