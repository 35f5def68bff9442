package dev.hearth.compute.quant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.compute.tensor.GgmlType;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Q4_KTest {

    @Test
    void elementsAreSubBlockScaleTimesLevelMinusSubBlockMin() {
        byte[] block = new byte[144];
        TestBlocks.putHalf(block, 0, 1f);       // d
        TestBlocks.putHalf(block, 2, 0.5f);     // dmin
        // Scales at byte 4. Sub-block 0: scale 2, min 3 (scales[0], scales[4]).
        block[4] = 2;
        block[4 + 4] = 3;
        // Sub-block 5: scale 40 = 0b10_1000, min 17 = 0b01_0001. Low nibbles go to scales[9]
        // (scale low, min high); the top two bits to scales[1] (scale) and scales[5] (min).
        block[4 + 9] = 0x18;
        block[4 + 1] = (byte) 0x80;
        block[4 + 5] = 0x40;
        // qs at byte 16. Sub-block 0 = low nibbles of qs[0..31]; sub-block 5 = high nibbles of qs[64..95].
        block[16] = 0x0F;                       // element 0 level 15
        block[16 + 31] = 0x01;                  // element 31 level 1
        block[16 + 64 + 7] = 0x30;              // element 32*5 + 7 = 167 level 3

        float[] expected = new float[256];      // other sub-blocks: 0 * q - 0 = 0
        Arrays.fill(expected, 0, 32, -1.5f);    // 1*2 * 0 - 0.5*3 = -1.5
        expected[0] = 28.5f;                    // 2 * 15 - 1.5
        expected[31] = 0.5f;                    // 2 * 1 - 1.5
        Arrays.fill(expected, 160, 192, -8.5f); // 1*40 * 0 - 0.5*17 = -8.5
        expected[167] = 111.5f;                 // 40 * 3 - 8.5
        TestBlocks.assertSameFloats(TestBlocks.dequantize(GgmlType.Q4_K, block), expected);
    }

    @Test
    void gaussianRoundTripErrorIsAboutSevenPercentOfTheSignal() {
        // Measured over these 256 blocks: 7.14% overall, 8.19% in the worst block; ggml's
        // reference quantizer gives the same bytes (see GgmlReferenceTest).
        double error = 0;
        double signal = 0;
        for (long seed = 1; seed <= 8; seed++) {
            float[] x = TestBlocks.gaussian(seed, 32 * 256, 1);
            float[] back = TestBlocks.roundTrip(GgmlType.Q4_K, x);
            for (int b = 0; b < 32; b++) {
                assertThat(TestBlocks.relativeRmse(x, back, 256 * b, 256)).isLessThan(0.09);
            }
            for (int i = 0; i < x.length; i++) {
                error += (x[i] - back[i]) * (double) (x[i] - back[i]);
                signal += x[i] * (double) x[i];
            }
        }
        assertThat(Math.sqrt(error / signal)).isLessThan(0.075);
    }

    @Test
    void awkwardBlocksStayWithinTheGaussianBound() {
        for (Map.Entry<String, float[]> input : TestBlocks.awkwardInputs(256 * 16).entrySet()) {
            if (input.getKey().equals("tiny")) {
                continue; // below fp16's range for d; see tinyBlocksLoseTheirScale
            }
            float[] x = input.getValue();
            float[] back = TestBlocks.roundTrip(GgmlType.Q4_K, x);
            for (int b = 0; b < 16; b++) {
                assertThat(TestBlocks.relativeRmse(x, back, 256 * b, 256)).as(input.getKey()).isLessThan(0.09);
            }
        }
    }

    @Test
    void tinyBlocksLoseTheirScale() {
        // With |x| around 1e-6 the super-block scale max_scale/63 is about 4e-9, below fp16's
        // smallest subnormal (6e-8), so d is stored as 0 and every element reads back as its
        // sub-block's -min alone. ggml behaves the same; real weight blocks are far larger.
        byte[] block = TestBlocks.quantize(GgmlType.Q4_K, TestBlocks.gaussian(7, 256, 1e-6));
        assertThat(block[0]).isZero();
        assertThat(block[1]).isZero();
    }

    @Test
    void zerosRoundTripExactly() {
        float[] zeros = new float[512];
        TestBlocks.assertSameFloats(TestBlocks.roundTrip(GgmlType.Q4_K, zeros), zeros);
    }
}
