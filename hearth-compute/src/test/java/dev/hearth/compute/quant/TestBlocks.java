package dev.hearth.compute.quant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.compute.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Builds blocks byte by byte and compares floats bit for bit, for the format tests. */
final class TestBlocks {

    private TestBlocks() {
    }

    /** Writes {@code value}, which must be exactly representable in fp16, little-endian at {@code offset}. */
    static void putHalf(byte[] block, int offset, float value) {
        short bits = Float.floatToFloat16(value);
        assertThat(Float.float16ToFloat(bits)).as("%s is exact in fp16", value).isEqualTo(value);
        block[offset] = (byte) bits;
        block[offset + 1] = (byte) (bits >> 8);
    }

    static float[] dequantize(GgmlType type, byte[] blocks) {
        int count = blocks.length / type.typeSize() * type.blockSize();
        float[] out = new float[count];
        WeightFormats.of(type).dequantize(MemorySegment.ofArray(blocks), 0, out, 0, count);
        return out;
    }

    static byte[] quantize(GgmlType type, float[] values) {
        byte[] blocks = new byte[Math.toIntExact(type.byteSize(values.length))];
        WeightFormats.quantizer(type).quantize(values, 0, values.length, MemorySegment.ofArray(blocks), 0);
        return blocks;
    }

    static float[] roundTrip(GgmlType type, float[] values) {
        return dequantize(type, quantize(type, values));
    }

    /** Asserts the floats are identical bit for bit, so that −0.0 and 0.0 differ. */
    static void assertSameFloats(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(Float.floatToIntBits(actual[i]))
                    .as("element %d: got %s, expected %s", i, actual[i], expected[i])
                    .isEqualTo(Float.floatToIntBits(expected[i]));
        }
    }

    static float[] gaussian(long seed, int count, double sigma) {
        Random random = new Random(seed);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) (random.nextGaussian() * sigma);
        }
        return values;
    }

    /** Root-mean-square error of {@code actual} against {@code expected[from .. from + n)}, over its RMS. */
    static double relativeRmse(float[] expected, float[] actual, int from, int n) {
        double error = 0;
        double signal = 0;
        for (int i = from; i < from + n; i++) {
            double diff = (double) expected[i] - actual[i];
            error += diff * diff;
            signal += (double) expected[i] * expected[i];
        }
        return signal == 0 ? (error == 0 ? 0 : Double.POSITIVE_INFINITY) : Math.sqrt(error / signal);
    }

    /**
     * Inputs that stress a quantizer, by name: Gaussian data at several seeds and magnitudes, all
     * zeros, all equal, all positive, a single large outlier, tiny and huge magnitudes.
     */
    static Map<String, float[]> awkwardInputs(int count) {
        Map<String, float[]> inputs = new LinkedHashMap<>();
        for (long seed = 1; seed <= 4; seed++) {
            inputs.put("gaussian seed " + seed, gaussian(seed, count, 1));
        }
        inputs.put("zeros", new float[count]);
        float[] equal = new float[count];
        Arrays.fill(equal, -0.37f);
        inputs.put("all equal", equal);
        float[] positive = gaussian(5, count, 1);
        for (int i = 0; i < count; i++) {
            positive[i] = Math.abs(positive[i]);
        }
        inputs.put("all positive", positive);
        float[] outlier = gaussian(6, count, 1);
        outlier[count / 3] = 1000f;
        inputs.put("single outlier", outlier);
        inputs.put("tiny", gaussian(7, count, 1e-6));
        inputs.put("huge", gaussian(8, count, 1e4));
        return inputs;
    }

    /**
     * For a format that spans each 32-element block from its minimum to its maximum in
     * {@code steps} steps of {@code d} (Q4_1, Q5_1): every element of {@link #awkwardInputs} comes
     * back within half a step, plus what rounding {@code d} and the minimum to fp16 moves the levels.
     */
    static void assertWithinHalfAStepOfMinToMax(GgmlType type, int steps) {
        for (Map.Entry<String, float[]> input : awkwardInputs(32 * 64).entrySet()) {
            float[] x = input.getValue();
            float[] back = roundTrip(type, x);
            for (int b = 0; b < x.length / 32; b++) {
                float min = Float.MAX_VALUE;
                float max = -Float.MAX_VALUE;
                for (int i = 32 * b; i < 32 * b + 32; i++) {
                    min = Math.min(min, x[i]);
                    max = Math.max(max, x[i]);
                }
                float d = (max - min) / steps;
                double dRounding = Math.abs(d - Float.float16ToFloat(Float.floatToFloat16(d)));
                double minRounding = Math.abs(min - Float.float16ToFloat(Float.floatToFloat16(min)));
                double bound = d / 2 + steps * dRounding + minRounding + (Math.abs(max) + Math.abs(min)) * 0x1p-20;
                for (int i = 32 * b; i < 32 * b + 32; i++) {
                    assertThat((double) Math.abs(back[i] - x[i])).as("%s %s, element %d", type, input.getKey(), i)
                            .isLessThanOrEqualTo(bound);
                }
            }
        }
    }
}
