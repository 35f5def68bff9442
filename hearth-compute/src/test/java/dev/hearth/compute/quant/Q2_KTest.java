package dev.hearth.compute.quant;

import dev.hearth.compute.tensor.GgmlType;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class Q2_KTest {

    @Test
    void elementsAreSubBlockScaleTimesLevelMinusSubBlockMin() {
        byte[] block = new byte[84];
        TestBlocks.putHalf(block, 80, 0.5f);    // d
        TestBlocks.putHalf(block, 82, 0.25f);   // dmin
        block[0] = 0x21;                        // sub-block 0:  scale 1,  min 2
        block[5] = 0x13;                        // sub-block 5:  scale 3,  min 1
        block[15] = 0x0F;                       // sub-block 15: scale 15, min 0
        // Sub-block 0 is elements 0..15: bits 0-1 of qs[0..15] (qs starts at byte 16).
        block[16] = 0x03;                       // element 0 level 3
        // Sub-block 5 is elements 80..95: first half, 32*2 + 16 + l, so bits 4-5 of qs[16 + l].
        block[16 + 16 + 3] = 0x20;              // element 83 level 2
        // Sub-block 15 is elements 240..255: second half, 32*3 + 16 + l, so bits 6-7 of qs[32 + 16 + l].
        block[16 + 48 + 15] = (byte) 0xC0;      // element 255 level 3

        float[] expected = new float[256];      // scale 0 and min 0 elsewhere: 0 * 0 - 0 = 0
        Arrays.fill(expected, 0, 16, -0.5f);    // 0.5*1 * 0 - 0.25*2 = -0.5
        expected[0] = 1f;                       // 0.5*1 * 3 - 0.25*2 = 1.5 - 0.5 = 1
        Arrays.fill(expected, 80, 96, -0.25f);  // 0.5*3 * 0 - 0.25*1 = -0.25
        expected[83] = 2.75f;                   // 0.5*3 * 2 - 0.25*1 = 3 - 0.25 = 2.75
        expected[255] = 22.5f;                  // 0.5*15 * 3 - 0.25*0 = 22.5
        TestBlocks.assertSameFloats(TestBlocks.dequantize(GgmlType.Q2_K, block), expected);
    }
}
