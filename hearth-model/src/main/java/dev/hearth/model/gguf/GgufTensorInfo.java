package dev.hearth.model.gguf;

import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.compute.tensor.Shape;

/**
 * One tensor's entry in a GGUF file's directory.
 *
 * @param shape dimensions in ggml order (dim 0 is the contiguous row length)
 * @param offset byte offset of the data, relative to the start of the file's data section
 */
public record GgufTensorInfo(String name, Shape shape, GgmlType type, long offset) {

    public long elementCount() {
        return shape.elementCount();
    }

    /** Bytes of data: whole blocks of {@link #type()}. */
    public long byteSize() {
        return type.byteSize(shape.elementCount());
    }
}
