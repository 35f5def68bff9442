package dev.hearth.compute.quant;


import dev.hearth.compute.tensor.GgmlType;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class Q5_1Test {

    @Test
    void elementsAreScaleTimesFiveBitLevelPlusOffset() {
        byte[] block = new byte[24];
        TestBlocks.putHalf(block, 0, 0.25f);
        TestBlocks.putHalf(block, 2, 1.5f);
        block[4] = 0x01;                   // high word bit 0:  element 0's fifth bit
        block[7] = (byte) 0x80;            // high word bit 31: element 31's fifth bit
        block[8] = 0x0F;                   // element 0 low bits 15, element 16 low bits 0
        block[8 + 15] = (byte) 0xF0;       // element 15 low bits 0, element 31 low bits 15
        float[] expected = new float[32];
        Arrays.fill(expected, 1.5f);       // level 0:   0.25 * 0 + 1.5           = 1.5
        expected[0] = 9.25f;               // element 0:  0.25 * (15 | 16) + 1.5 = 7.75 + 1.5 = 9.25
        expected[31] = 9.25f;              // element 31: likewise
        TestBlocks.assertSameFloats(TestBlocks.dequantize(GgmlType.Q5_1, block), expected);
    }

    /**
     * Each block spans its minimum to its maximum in 31 steps of {@code d}: every element comes
     * back within half a step, plus what rounding {@code d} and the minimum to fp16 moves the levels.
     */
    @Test
    void roundTripErrorIsHalfAStep() {
        TestBlocks.assertWithinHalfAStepOfMinToMax(GgmlType.Q5_1, 31);
    }
}
