package dev.hearth.compute.quant;

import dev.hearth.compute.tensor.GgmlType;
import org.junit.jupiter.api.Test;

class IQ4_XSTest {

    private static final int[] LEVELS = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

    /**
     * Each sub-block's six-bit scale comes from its nibble of {@code scales_l} and its two bits of
     * {@code scales_h}: the eight sub-blocks get scales 0, 1, 31, 32, 33, 47, 62 and 63, so that
     * every bit of both fields and the offset of 32 show.
     */
    @Test
    void subBlockScalesJoinFourLowBitsAndTwoHighBits() {
        int[] scales = {0, 1, 31, 32, 33, 47, 62, 63};
        byte[] block = new byte[136];
        TestBlocks.putHalf(block, 0, 0.5f);
        int high = 0;
        for (int s = 0; s < 8; s++) {
            block[4 + s / 2] |= (byte) ((scales[s] & 0xF) << (4 * (s % 2)));
            high |= (scales[s] >> 4) << (2 * s);
        }
        block[2] = (byte) high;
        block[3] = (byte) (high >> 8);
        for (int s = 0; s < 8; s++) {
            for (int j = 0; j < 16; j++) {
                block[8 + 16 * s + j] = (byte) (((j + s) % 16) | ((15 - j) << 4));
            }
        }
        float[] expected = new float[256];
        for (int s = 0; s < 8; s++) {
            float scale = 0.5f * (scales[s] - 32);
            for (int j = 0; j < 16; j++) {
                expected[32 * s + j] = scale * LEVELS[(j + s) % 16];
                expected[32 * s + 16 + j] = scale * LEVELS[15 - j];
            }
        }
        TestBlocks.assertSameFloats(TestBlocks.dequantize(GgmlType.IQ4_XS, block), expected);
    }
}
