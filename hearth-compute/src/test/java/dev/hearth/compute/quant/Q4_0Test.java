package dev.hearth.compute.quant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.compute.tensor.GgmlType;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Q4_0Test {

    @Test
    void elementsAreScaleTimesNibbleMinusEight() {
        byte[] block = new byte[18];
        TestBlocks.putHalf(block, 0, -2f);
        for (int j = 0; j < 16; j++) {
            block[2 + j] = (byte) (j | ((15 - j) << 4));  // low nibble j, high nibble 15 - j
        }
        float[] expected = new float[32];
        for (int j = 0; j < 16; j++) {
            expected[j] = 16 - 2 * j;       // element j      = -2 * (j - 8)        = 16 - 2j
            expected[j + 16] = 2 * j - 14;  // element j + 16 = -2 * ((15 - j) - 8) = 2j - 14
        }
        expected[8] = -0f;                  // level 8 is 0 * -2 = -0.0, as in ggml
        expected[23] = -0f;                 // element 23 = 16 + 7 also has level 8
        TestBlocks.assertSameFloats(TestBlocks.dequantize(GgmlType.Q4_0, block), expected);
    }

    @Test
    void roundTripErrorIsHalfAStepExceptWhereTheTopLevelClamps() {
        for (Map.Entry<String, float[]> input : TestBlocks.awkwardInputs(32 * 64).entrySet()) {
            float[] x = input.getValue();
            float[] back = TestBlocks.roundTrip(GgmlType.Q4_0, x);
            for (int b = 0; b < x.length / 32; b++) {
                float max = 0;
                for (int i = 32 * b; i < 32 * b + 32; i++) {
                    if (Math.abs(x[i]) > Math.abs(max)) {
                        max = x[i];
                    }
                }
                // d = max / -8 puts max on level -8 exactly; the levels reach up to 7d on the other
                // side. Elements within 7.5|d| on that side round to within |d|/2; beyond it they
                // clamp to 7d and are off by up to |max| - 7|d| = |d| = max|x|/8. Storing d as fp16
                // moves each of the (at most 8) steps by |d - fp16(d)|.
                float d = max / -8;
                double scaleRounding = Math.abs(d - Float.float16ToFloat(Float.floatToFloat16(d)));
                double slack = 8 * scaleRounding + Math.abs(max) * 0x1p-20;
                for (int i = 32 * b; i < 32 * b + 32; i++) {
                    boolean clamped = d != 0 && x[i] / d > 7.5f;
                    double bound = (clamped ? Math.abs(max) / 8 : Math.abs(d) / 2) + slack;
                    assertThat((double) Math.abs(back[i] - x[i])).as("%s, element %d", input.getKey(), i)
                            .isLessThanOrEqualTo(bound);
                }
            }
        }
    }

    @Test
    void theLargestMagnitudeComesBackExactlyWhenItsScaleIsExactInFp16() {
        float[] x = TestBlocks.gaussian(11, 32, 1);
        x[9] = -3.5f;                                  // d = -3.5 / -8 = 0.4375 = 7/16, exact in fp16
        float[] back = TestBlocks.roundTrip(GgmlType.Q4_0, x);
        assertThat(back[9]).isEqualTo(-3.5f);
    }

    @Test
    void stepMultiplesWithTheMaximumOnLevelMinusEightRoundTripExactly() {
        float[] x = new float[32];
        for (int i = 0; i < 32; i++) {
            x[i] = (i % 16 - 8) * 0.25f;               // levels -8 .. 7 times d = 1/4
        }
        TestBlocks.assertSameFloats(TestBlocks.roundTrip(GgmlType.Q4_0, x), x);
    }
}
