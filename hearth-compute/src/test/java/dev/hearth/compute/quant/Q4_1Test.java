package dev.hearth.compute.quant;


import dev.hearth.compute.tensor.GgmlType;
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
        TestBlocks.assertWithinHalfAStepOfMinToMax(GgmlType.Q4_1, 15);
    }
}
