package dev.hearth.compute.quant;

import dev.hearth.compute.tensor.GgmlType;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Q5_0Test {

    @Test
    void theFifthBitOfElementIIsBitIOfTheHighWord() {
        byte[] block = new byte[22];
        TestBlocks.putHalf(block, 0, 0.5f);
        int highBits = 1 | (1 << 17);      // fifth bit set for elements 0 and 17
        block[2] = (byte) highBits;
        block[3] = (byte) (highBits >> 8);
        block[4] = (byte) (highBits >> 16);
        block[5] = (byte) (highBits >> 24);
        block[6] = 0x21;                   // element 0 low bits 1, element 16 low bits 2
        float[] expected = new float[32];
        Arrays.fill(expected, -8f);        // level 0:          0.5 * (0 - 16)        = -8
        expected[0] = 0.5f;                // element 0:  0.5 * ((1 | 16) - 16) = 0.5 * 1   = 0.5
        expected[16] = -7f;                // element 16: 0.5 * (2 - 16)        = 0.5 * -14 = -7
        expected[17] = 0f;                 // element 17: 0.5 * ((0 | 16) - 16) = 0
        TestBlocks.assertSameFloats(TestBlocks.dequantize(GgmlType.Q5_0, block), expected);
    }

    @Test
    void roundTripErrorIsHalfAStepExceptWhereTheTopLevelClamps() {
        for (Map.Entry<String, float[]> input : TestBlocks.awkwardInputs(32 * 64).entrySet()) {
            float[] x = input.getValue();
            float[] back = TestBlocks.roundTrip(GgmlType.Q5_0, x);
            for (int b = 0; b < x.length / 32; b++) {
                float max = 0;
                for (int i = 32 * b; i < 32 * b + 32; i++) {
                    if (Math.abs(x[i]) > Math.abs(max)) {
                        max = x[i];
                    }
                }
                // as Q4_0 with 32 levels: max sits on level -16, the other side reaches 15d, and
                // elements beyond 15.5|d| clamp there, off by up to |d| = max|x|/16
                float d = max / -16;
                double scaleRounding = Math.abs(d - Float.float16ToFloat(Float.floatToFloat16(d)));
                double slack = 16 * scaleRounding + Math.abs(max) * 0x1p-20;
                for (int i = 32 * b; i < 32 * b + 32; i++) {
                    boolean clamped = d != 0 && x[i] / d > 15.5f;
                    double bound = (clamped ? Math.abs(max) / 16 : Math.abs(d) / 2) + slack;
                    assertThat((double) Math.abs(back[i] - x[i])).as("%s, element %d", input.getKey(), i)
                            .isLessThanOrEqualTo(bound);
                }
            }
        }
    }

    @Test
    void stepMultiplesWithTheMaximumOnLevelMinusSixteenRoundTripExactly() {
        float[] x = new float[32];
        for (int i = 0; i < 32; i++) {
            x[i] = (i - 16) * 0.125f;                  // levels -16 .. 15 times d = 1/8
        }
        TestBlocks.assertSameFloats(TestBlocks.roundTrip(GgmlType.Q5_0, x), x);
    }
}
