package dev.hearth.compute.kernels;

import dev.hearth.compute.quant.Quantizer;
import dev.hearth.compute.quant.WeightFormats;
import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.compute.tensor.Shape;
import dev.hearth.compute.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.Random;

/** Random weight matrices in any supported type, in off-heap memory like a mapped GGUF file. */
final class RandomTensors {

    private static final ValueLayout.OfShort SHORT_LE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT_LE =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Byte offsets of the fp16 scale fields of the formats Hearth cannot quantize to. */
    private static final Map<GgmlType, int[]> HALF_FIELDS = Map.of(
            GgmlType.Q5_0, new int[] {0},
            GgmlType.Q2_K, new int[] {80, 82},
            GgmlType.Q3_K, new int[] {108},
            GgmlType.Q5_K, new int[] {0, 2},
            GgmlType.IQ4_NL, new int[] {0},
            GgmlType.IQ4_XS, new int[] {0});

    private RandomTensors() {
    }

    static float[] gaussian(Random random, int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    /**
     * A {@code rows × cols} matrix: Gaussian values quantized where the type has a quantizer,
     * otherwise random bytes with small finite random scales.
     */
    static Tensor matrix(GgmlType type, int rows, int cols, Random random) {
        MemorySegment data = Arena.ofAuto().allocate(type.byteSize((long) rows * cols), 64);
        if (type == GgmlType.F32 || type == GgmlType.F16 || type == GgmlType.BF16
                || WeightFormats.supportedTypes().contains(type) && isQuantizer(type)) {
            float[] values = gaussian(random, rows * cols);
            WeightFormats.quantizer(type).quantize(values, 0, values.length, data, 0);
        } else {
            byte[] bytes = new byte[Math.toIntExact(data.byteSize())];
            random.nextBytes(bytes);
            MemorySegment.copy(MemorySegment.ofArray(bytes), 0, data, 0, bytes.length);
            for (long at = 0; at < data.byteSize(); at += type.typeSize()) {
                if (type == GgmlType.Q8_K) {
                    data.set(FLOAT_LE, at, (float) (random.nextGaussian() * 0.01));
                    continue;
                }
                for (int field : HALF_FIELDS.get(type)) {
                    data.set(SHORT_LE, at + field, Float.floatToFloat16((float) (random.nextGaussian() * 0.05)));
                }
            }
        }
        return new Tensor(type + "[" + rows + "][" + cols + "]", type, Shape.of(cols, rows), data);
    }

    private static boolean isQuantizer(GgmlType type) {
        return WeightFormats.of(type) instanceof Quantizer;
    }
}
