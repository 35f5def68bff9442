package dev.hearth.bench;

import dev.hearth.compute.quant.WeightFormats;
import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.compute.tensor.Shape;
import dev.hearth.compute.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

/** Random inputs for the benchmarks: weight matrices off-heap, as a mapped GGUF file holds them. */
final class Matrices {

    private Matrices() {
    }

    /** {@code count} Gaussian floats. */
    static float[] gaussian(SplittableRandom random, int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            // Box–Muller, one value per pair: plenty for benchmark inputs
            double u = 1 - random.nextDouble();
            values[i] = (float) (Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble()));
        }
        return values;
    }

    /** A {@code rows × cols} matrix of Gaussian values quantized to {@code type}, in {@code arena}. */
    static Tensor matrix(Arena arena, GgmlType type, int rows, int cols, SplittableRandom random) {
        MemorySegment data = arena.allocate(type.byteSize((long) rows * cols), 64);
        long rowBytes = type.byteSize(cols);
        for (int r = 0; r < rows; r++) {
            WeightFormats.quantizer(type).quantize(gaussian(random, cols), 0, cols, data, r * rowBytes);
        }
        return new Tensor(type + "[" + rows + "][" + cols + "]", type, Shape.of(cols, rows), data);
    }
}
