package dev.hearth.compute.quant;

import dev.hearth.compute.tensor.GgmlType;
import org.junit.jupiter.api.Test;

class IQ4_NLTest {

    /** ggml's {@code kvalues_iq4nl}, written out here so that a change to the format's table fails. */
    private static final int[] LEVELS = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

    @Test
    void elementsAreTheScaleTimesTheLevelOfTheirNibble() {
        byte[] block = new byte[18];
        TestBlocks.putHalf(block, 0, 0.25f);
        for (int j = 0; j < 16; j++) {
            block[2 + j] = (byte) (j | ((15 - j) << 4)); // low nibble j, high nibble 15 - j
        }
        float[] expected = new float[32];
        for (int j = 0; j < 16; j++) {
            expected[j] = 0.25f * LEVELS[j];           // element j: every level in order
            expected[j + 16] = 0.25f * LEVELS[15 - j]; // element j + 16: in reverse
        }
        TestBlocks.assertSameFloats(TestBlocks.dequantize(GgmlType.IQ4_NL, block), expected);
    }
}
