package dev.hearth.compute.quant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.compute.tensor.GgmlType;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Q4_1Test {

    @Test
    void elementsAreScaleTimesNibblePlusOffset() {
        byte[] block = new byte[20];
        TestBlocks.putHalf(block, 0, 0.5f);
        TestBlocks.putHalf(block, 2, -1f);
        for (int j = 0; j < 16; j++) {
            block[4 + j] = (byte) (j | ((15 - j) << 4));  // low nibble j, high nibble 15 - j
        }
        float[] expected = new float[32];
        for (int j = 0; j < 16; j++) {
            expected[j] = 0.5f * j - 1;             // element j:      0.5 * j - 1        -> -1.0 .. 6.5
            expected[j + 16] = 0.5f * (15 - j) - 1; // element j + 16: 0.5 * (15 - j) - 1 ->  6.5 .. -1.0
        }
        TestBlocks.assertSameFloats(TestBlocks.dequantize(GgmlType.Q4_1, block), expected);
    }

    /**
     * Each block spans its minimum to its maximum in 15 steps of {@code d}: every element comes
     * back within half a step, plus what rounding {@code d} and the minimum to fp16 moves the levels.
     */
    @Test
    void roundTripErrorIsHalfAStep() {
        for (Map.Entry<String, float[]> input : TestBlocks.awkwardInputs(32 * 64).entrySet()) {
            float[] x = input.getValue();
            float[] back = TestBlocks.roundTrip(GgmlType.Q4_1, x);
            for (int b = 0; b < x.length / 32; b++) {
                float min = Float.MAX_VALUE;
                float max = -Float.MAX_VALUE;
                for (int i = 32 * b; i < 32 * b + 32; i++) {
                    min = Math.min(min, x[i]);
                    max = Math.max(max, x[i]);
                }
                float d = (max - min) / 15;
                double dRounding = Math.abs(d - Float.float16ToFloat(Float.floatToFloat16(d)));
                double minRounding = Math.abs(min - Float.float16ToFloat(Float.floatToFloat16(min)));
                double bound = d / 2 + 15 * dRounding + minRounding + (Math.abs(max) + Math.abs(min)) * 0x1p-20;
                for (int i = 32 * b; i < 32 * b + 32; i++) {
                    assertThat((double) Math.abs(back[i] - x[i])).as("%s, element %d", input.getKey(), i)
                            .isLessThanOrEqualTo(bound);
                }
            }
        }
    }
}
