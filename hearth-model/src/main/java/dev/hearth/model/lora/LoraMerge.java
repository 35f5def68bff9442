package dev.hearth.model.lora;

import dev.hearth.compute.quant.Quantizer;
import dev.hearth.compute.quant.WeightFormats;
import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.compute.tensor.Tensor;
import dev.hearth.model.gguf.GgufFile;
import dev.hearth.model.gguf.GgufTensorInfo;
import dev.hearth.model.gguf.GgufWriter;
import dev.hearth.model.gguf.TensorSource;
import dev.hearth.model.runtime.ModelLoadException;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * Writes a base model with LoRA adapters merged into its weights, as llama.cpp's
 * {@code llama-export-lora} does: each tensor an adapter changes becomes
 * {@code W + Σ s·B·A} over the adapters that change it ({@code s} each one's
 * {@link LoraAdapter#scale(float)}); every other tensor, and all the metadata, is copied as it is,
 * streamed from the mapped base file without a copy in memory.
 *
 * <p>A merged tensor keeps its base type when Hearth can write that type (F32, F16, BF16, Q8_0,
 * Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, Q6_K), requantizing it; otherwise it is written as F16.
 */
public final class LoraMerge {

    /** A base tensor the adapters change, and the type it was written in. */
    public record MergedTensor(String name, GgmlType baseType, GgmlType writtenType) {}

    private LoraMerge() {
    }

    /**
     * Writes {@code base} with {@code adapters} merged into it to {@code out}, atomically.
     *
     * @return the changed tensors, in the base file's order
     * @throws ModelLoadException naming the adapter and the key or tensor when an adapter does not
     *     fit the base model ({@link LoraAdapters#checkFits}), or naming a changed tensor whose type
     *     Hearth cannot read
     * @throws IOException if a file cannot be read or written
     */
    public static List<MergedTensor> write(Path base, List<ScaledLora> adapters, Path out) throws IOException {
        try (GgufFile file = GgufFile.open(base)) {
            for (ScaledLora a : adapters) {
                LoraAdapters.checkFits(a.adapter(), file);
            }
            GgufWriter writer = new GgufWriter().putAll(file.metadata());
            List<MergedTensor> merged = new ArrayList<>();
            for (GgufTensorInfo info : file.tensors()) {
                List<Change> changes = new ArrayList<>();
                for (ScaledLora a : adapters) {
                    LoraAdapter.Factors f = a.adapter().factors().get(info.name());
                    if (f != null && a.scale() != 0) {
                        changes.add(new Change(f, a.adapter().scale(a.scale())));
                    }
                }
                if (changes.isEmpty()) {
                    writer.addTensor(info.name(), info.type(), info.shape(), file.data(info));
                    continue;
                }
                if (!WeightFormats.supportedTypes().contains(info.type())) {
                    throw new ModelLoadException(base, "tensor '" + info.name() + "'", "type " + info.type()
                            + " cannot be read to merge an adapter into (Hearth reads "
                            + new TreeSet<>(WeightFormats.supportedTypes()) + ")");
                }
                GgmlType type = WeightFormats.of(info.type()) instanceof Quantizer ? info.type() : GgmlType.F16;
                Tensor weights = new Tensor(info.name(), info.type(), info.shape(), file.data(info));
                writer.addTensor(info.name(), type, info.shape(), new MergedRows(weights, changes,
                        WeightFormats.quantizer(type), type.byteSize(weights.cols())));
                merged.add(new MergedTensor(info.name(), info.type(), type));
            }
            writer.write(out);
            return merged;
        }
    }

    /** One adapter's factors for a tensor, and the factor of their product. */
    private record Change(LoraAdapter.Factors factors, float scale) {}

    /**
     * The rows of {@code W + Σ s·B·A}: row {@code r} is {@code W[r] + Σ s·Σ_k B[r][k]·A[k]}, the
     * sum over {@code k} in double, as the file is written.
     */
    private static final class MergedRows implements TensorSource {
        private final Tensor weights;
        private final List<Change> changes;
        private final Quantizer writer;
        private final long rowBytes;
        private final float[] row;
        private final double[] delta;

        MergedRows(Tensor weights, List<Change> changes, Quantizer writer, long rowBytes) {
            this.weights = weights;
            this.changes = changes;
            this.writer = writer;
            this.rowBytes = rowBytes;
            this.row = new float[weights.cols()];
            this.delta = new double[weights.cols()];
        }

        @Override
        public void writeRows(long firstRow, int rows, MemorySegment dst) {
            int in = row.length;
            for (int i = 0; i < rows; i++) {
                int r = (int) firstRow + i;
                weights.dequantizeRow(r, row, 0);
                Arrays.fill(delta, 0);
                for (Change change : changes) {
                    LoraAdapter.Factors f = change.factors();
                    for (int k = 0; k < f.rank(); k++) {
                        double coefficient = (double) change.scale() * f.b()[r * f.rank() + k];
                        for (int j = 0; j < in; j++) {
                            delta[j] += coefficient * f.a()[k * in + j];
                        }
                    }
                }
                for (int j = 0; j < in; j++) {
                    row[j] = (float) (row[j] + delta[j]);
                }
                writer.quantize(row, 0, in, dst, i * rowBytes);
            }
        }
    }
}
