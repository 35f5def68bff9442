package dev.hearth.compute.quant;

import dev.hearth.compute.tensor.GgmlType;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class Q5_KTest {

    @Test
    void elementsAreSubBlockScaleTimesFiveBitLevelMinusSubBlockMin() {
        byte[] block = new byte[176];
        TestBlocks.putHalf(block, 0, 0.5f);     // d
        TestBlocks.putHalf(block, 2, 1f);       // dmin
        // Scales at byte 4. Sub-block 0: scale 1, min 1 (bytes 0 and 4 of the scales).
        block[4] = 1;
        block[4 + 4] = 1;
        // Sub-block 7: scale 63 = 0b11_1111, min 0: low nibble of scales[11], top bits of scales[3].
        block[4 + 11] = 0x0F;
        block[4 + 3] = (byte) 0xC0;
        // qh at byte 16 (bit s of qh[l] is the fifth bit of element 32s + l), qs at byte 48.
        block[48] = 0x0F;                       // element 0 low bits 15
        block[16] = (byte) 0x81;                // element 0 fifth bit (bit 0), element 224 fifth bit (bit 7)
        block[17] = 0x01;                       // element 1 fifth bit
        block[48 + 96 + 31] = 0x10;             // element 255: high nibble of qs[96 + 31] = 1
        block[16 + 31] = (byte) 0x80;           //              fifth bit

        float[] expected = new float[256];      // other sub-blocks: 0 * q - 0 = 0
        Arrays.fill(expected, 0, 32, -1f);      // 0.5*1 * 0 - 1*1 = -1
        expected[0] = 14.5f;                    // 0.5 * (15 + 16) - 1 = 15.5 - 1
        expected[1] = 7f;                       // 0.5 * 16 - 1
        expected[224] = 504f;                   // 0.5*63 * 16 = 31.5 * 16
        expected[255] = 535.5f;                 // 31.5 * (1 + 16)
        TestBlocks.assertSameFloats(TestBlocks.dequantize(GgmlType.Q5_K, block), expected);
    }
}
