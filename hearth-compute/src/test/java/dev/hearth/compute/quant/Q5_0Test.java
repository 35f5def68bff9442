package dev.hearth.compute.quant;

import dev.hearth.compute.tensor.GgmlType;
import java.util.Arrays;
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
}
