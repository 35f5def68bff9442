package dev.hearth.compute.quant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.compute.tensor.GgmlType;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Q8_0Test {

    @Test
    void elementsAreScaleTimesSignedByte() {
        byte[] block = new byte[34];
        TestBlocks.putHalf(block, 0, 0.25f);
        for (int i = 0; i < 32; i++) {
            block[2 + i] = (byte) (i - 16);   // element i = 0.25 * (i - 16)
        }
        block[2] = (byte) -128;               // element 0  = 0.25 * -128 = -32
        block[2 + 31] = 127;                  // element 31 = 0.25 *  127 = 31.75
        float[] expected = new float[32];
        for (int i = 0; i < 32; i++) {
            expected[i] = (i - 16) / 4f;      // -4.0, -3.75, ..., 3.75: quarters are exact
        }
        expected[0] = -32f;
        expected[31] = 31.75f;
        TestBlocks.assertSameFloats(TestBlocks.dequantize(GgmlType.Q8_0, block), expected);
    }

    @Test
    void roundTripErrorIsAtMostHalfAStepPlusTheScalesRounding() {
        for (Map.Entry<String, float[]> input : TestBlocks.awkwardInputs(32 * 64).entrySet()) {
            float[] x = input.getValue();
            float[] back = TestBlocks.roundTrip(GgmlType.Q8_0, x);
            for (int b = 0; b < x.length / 32; b++) {
                float amax = 0;
                for (int i = 32 * b; i < 32 * b + 32; i++) {
                    amax = Math.max(amax, Math.abs(x[i]));
                }
                // The quantizer picks d = amax / 127 and rounds x / d to an integer, so it is off by
                // at most d / 2; storing d as fp16 moves each of the (at most 127) steps by |d - fp16(d)|.
                float d = amax / 127;
                double scaleRounding = Math.abs(d - Float.float16ToFloat(Float.floatToFloat16(d)));
                double bound = d / 2 * (1 + 1e-4) + 127 * scaleRounding + amax * 0x1p-23;
                for (int i = 32 * b; i < 32 * b + 32; i++) {
                    assertThat((double) Math.abs(back[i] - x[i])).as("%s, element %d", input.getKey(), i)
                            .isLessThanOrEqualTo(bound);
                }
            }
        }
    }

    @Test
    void multiplesOfAnFp16StepWithTheMaximumAt127StepsRoundTripExactly() {
        float[] x = new float[64];
        for (int i = 0; i < x.length; i++) {
            x[i] = ((i * 37) % 255 - 127) * 0.125f;    // levels -127 .. 127 times d = 1/8
        }
        x[5] = 127 * 0.125f;                           // each block reaches +-127 steps,
        x[40] = -127 * 0.125f;                         // so d = amax / 127 = 1/8 exactly
        TestBlocks.assertSameFloats(TestBlocks.roundTrip(GgmlType.Q8_0, x), x);
    }

    @Test
    void roundsHalfAwayFromZeroAsGgmlDoes() {
        float[] x = new float[32];
        x[0] = 127f;    // d = 1, so the other elements are already in steps
        x[1] = 2.5f;    // -> 3 (ties to even would give 2)
        x[2] = -2.5f;   // -> -3
        x[3] = 0.5f;    // -> 1
        byte[] block = TestBlocks.quantize(GgmlType.Q8_0, x);
        assertThat(new byte[] {block[2], block[3], block[4], block[5]}).containsExactly(127, 3, -3, 1);
    }
}
