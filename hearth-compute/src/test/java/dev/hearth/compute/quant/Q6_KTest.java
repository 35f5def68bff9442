package dev.hearth.compute.quant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.compute.tensor.GgmlType;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Q6_KTest {

    @Test
    void elementsAreScaleTimesSubBlockScaleTimesLevelMinus32() {
        byte[] block = new byte[210];
        TestBlocks.putHalf(block, 208, 0.125f);
        block[192] = 8;                         // sub-block 0 (elements 0..15): 0.125 * 8 = 1 per level
        block[192 + 13] = (byte) -4;            // sub-block 13 (elements 208..223): 0.125 * -4 = -0.5
        // Element 0: low nibble of ql[0], high bits 0-1 of qh[0] (qh at byte 128).
        block[128] = 0x02;                      // level 0 | 2 << 4 = 32
        // Element 5: low nibble of ql[5] and bits 0-1 of qh[5].
        block[5] = 0x0F;
        block[128 + 5] = 0x03;                  // level 15 | 3 << 4 = 63
        // Element 210 is in the second half, 210 - 128 = 82 = 32*2 + 18: its low bits are the
        // high nibble of ql[64 + 18] and its high bits are bits 4-5 of qh[32 + 18].
        block[64 + 18] = 0x70;
        block[128 + 32 + 18] = 0x10;            // level 7 | 1 << 4 = 23

        float[] expected = new float[256];
        Arrays.fill(expected, -0f);             // sub-block scale 0: (0.125 * 0) * (0 - 32) = -0.0
        Arrays.fill(expected, 0, 16, -32f);     // 1 * (0 - 32)
        expected[0] = 0f;                       // 1 * (32 - 32)
        expected[5] = 31f;                      // 1 * (63 - 32)
        Arrays.fill(expected, 208, 224, 16f);   // -0.5 * (0 - 32)
        expected[210] = 4.5f;                   // -0.5 * (23 - 32)
        TestBlocks.assertSameFloats(TestBlocks.dequantize(GgmlType.Q6_K, block), expected);
    }

    @Test
    void gaussianRoundTripErrorIsUnderTwoPercentOfTheSignal() {
        // Measured over these 256 blocks: 1.77% overall, 2.06% in the worst block; ggml's
        // reference quantizer gives the same bytes (see GgmlReferenceTest).
        double error = 0;
        double signal = 0;
        for (long seed = 1; seed <= 8; seed++) {
            float[] x = TestBlocks.gaussian(seed, 32 * 256, 1);
            float[] back = TestBlocks.roundTrip(GgmlType.Q6_K, x);
            for (int b = 0; b < 32; b++) {
                assertThat(TestBlocks.relativeRmse(x, back, 256 * b, 256)).isLessThan(0.023);
            }
            for (int i = 0; i < x.length; i++) {
                error += (x[i] - back[i]) * (double) (x[i] - back[i]);
                signal += x[i] * (double) x[i];
            }
        }
        assertThat(Math.sqrt(error / signal)).isLessThan(0.019);
    }

    @Test
    void awkwardBlocksStayWithinTheGaussianBound() {
        for (Map.Entry<String, float[]> input : TestBlocks.awkwardInputs(256 * 16).entrySet()) {
            if (input.getKey().equals("tiny")) {
                continue; // below fp16's range for d; see tinyBlocksQuantizeToZero
            }
            float[] x = input.getValue();
            float[] back = TestBlocks.roundTrip(GgmlType.Q6_K, x);
            for (int b = 0; b < 16; b++) {
                assertThat(TestBlocks.relativeRmse(x, back, 256 * b, 256)).as(input.getKey()).isLessThan(0.023);
            }
        }
    }

    @Test
    void tinyBlocksQuantizeToZero() {
        // With |x| around 1e-6 the scale d = max_scale / -128 is below fp16's smallest subnormal,
        // so it is stored as (signed) 0 and the block reads back as zeros, as in ggml.
        float[] back = TestBlocks.roundTrip(GgmlType.Q6_K, TestBlocks.gaussian(7, 256, 1e-6));
        for (float value : back) {
            assertThat(Math.abs(value)).isEqualTo(0f);
        }
    }

    @Test
    void integersFromMinus32To31WithMinus32InEverySubBlockRoundTripExactly() {
        // Each sub-block's search starts at scale -32 / -32 = 1 (level = value, zero error, which
        // no other candidate beats). With every sub-block scale 1, d = 1 / (-128 / 1) = -2^-7,
        // exact in fp16, each sub-block scale is stored as -128, and d * -128 = 1 again.
        float[] x = new float[256];
        for (int i = 0; i < 256; i++) {
            x[i] = (i * 7) % 64 - 32;
        }
        for (int sub = 0; sub < 16; sub++) {
            x[16 * sub + 3] = -32;
        }
        TestBlocks.assertSameFloats(TestBlocks.roundTrip(GgmlType.Q6_K, x), x);
    }

    @Test
    void zerosRoundTripToNegativeZeros() {
        // An all-zero block is stored as all-zero bytes, level 0 = -32, and (0 * 0) * -32 = -0.0.
        float[] negativeZeros = new float[512];
        Arrays.fill(negativeZeros, -0f);
        TestBlocks.assertSameFloats(TestBlocks.roundTrip(GgmlType.Q6_K, new float[512]), negativeZeros);
    }
}
