package dev.hearth.compute.quant;

import dev.hearth.compute.tensor.GgmlType;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class Q3_KTest {

    @Test
    void elementsAreScaleMinus32TimesLevelMinus4() {
        byte[] block = new byte[110];
        TestBlocks.putHalf(block, 108, 0.25f);
        // Scales start at byte 96. Every 6-bit scale is 32 (effective 0): low nibbles 0, high
        // 2-bit fields 0b10 in all four positions of bytes 104..107.
        Arrays.fill(block, 104, 108, (byte) 0xAA);
        block[96] = 0x01;                   // sub-block 0 low nibble 1: scale 33, effective 1
        block[97] = 0x50;                   // sub-block 9 low nibble (high nibble of byte 1) = 5
        block[105] = (byte) 0x8A;           // sub-block 9 high bits (bits 4-5 of byte 8 + 9 % 4) = 0:
                                            //   scale 5, effective 5 - 32 = -27
        // Sub-block 0 = elements 0..15: low bits 0-1 of qs[l] (qs at byte 32), high bit 0 of hmask[l].
        block[32] = 0x03;                   // element 0: low 3
        block[0] = 0x01;                    //            high bit set: level 3
        block[1] = 0x01;                    // element 1: low 0, high bit set: level 0
        block[32 + 2] = 0x02;               // element 2: low 2, no high bit: level 2 - 4 = -2
        // Sub-block 9 = elements 144..159: second half, first 32 (shift 0), bytes 16..31;
        // high bit is bit 4 (= 9 / 2) of hmask[16 + l].
        block[32 + 32 + 16 + 5] = 0x01;     // element 149: low 1
        block[16 + 5] = 0x10;               //              high bit set: level 1

        float[] expected = new float[256];
        Arrays.fill(expected, -0f);         // effective scale 0: 0.25*0 * (0 - 4) = -0.0
        Arrays.fill(expected, 0, 16, -1f);  // 0.25*1 * (0 - 4) = -1
        expected[0] = 0.75f;                // 0.25 * 3
        expected[1] = 0f;                   // 0.25 * 0
        expected[2] = -0.5f;                // 0.25 * -2
        Arrays.fill(expected, 144, 160, 27f); // 0.25*-27 * (0 - 4) = -6.75 * -4 = 27
        expected[149] = -6.75f;             // -6.75 * 1
        TestBlocks.assertSameFloats(TestBlocks.dequantize(GgmlType.Q3_K, block), expected);
    }
}
