package dev.hearth.model.synth;

import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.model.gguf.GgufMetadata;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Everything a synthetic model file will hold except the random values: its metadata and its
 * tensors with their types and shapes, in file order. Cheap to build, so tests check the big
 * presets through their plans without writing them.
 */
public record SynthPlan(Preset preset, SynthType type, GgufMetadata metadata, List<PlannedTensor> tensors) {

    public SynthPlan {
        tensors = List.copyOf(tensors);
    }

    /** The tensor called {@code name}, if the model has one. */
    public Optional<PlannedTensor> tensor(String name) {
        return tensors.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** Elements in all tensors. */
    public long parameters() {
        return tensors.stream().mapToLong(t -> t.shape().elementCount()).sum();
    }

    /** Bytes of tensor data, before alignment padding. */
    public long tensorBytes() {
        return tensors.stream().mapToLong(PlannedTensor::byteSize).sum();
    }

    /** How many tensors of each type, e.g. {@code {F32=121, Q8_0=169}}. */
    public Map<GgmlType, Long> typeCounts() {
        Map<GgmlType, Long> counts = new TreeMap<>();
        tensors.forEach(t -> counts.merge(t.type(), 1L, Long::sum));
        return counts;
    }
}
