package dev.hearth.compute.quant;

import dev.hearth.compute.tensor.GgmlType;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class Q8_KTest {

    @Test
    void elementsAreFloatScaleTimesSignedByteAndBlockSumsAreIgnored() {
        byte[] block = new byte[292];
        int d = Float.floatToIntBits(-0.75f);   // float32 scale, little-endian
        block[0] = (byte) d;
        block[1] = (byte) (d >> 8);
        block[2] = (byte) (d >> 16);
        block[3] = (byte) (d >> 24);
        block[4] = 100;
        block[5] = 1;
        block[4 + 255] = (byte) -128;
        Arrays.fill(block, 260, 292, (byte) 0x7F); // bsums hold no element data

        float[] expected = new float[256];
        Arrays.fill(expected, -0f);              // -0.75 * 0 = -0.0
        expected[0] = -75f;                      // -0.75 * 100
        expected[1] = -0.75f;                    // -0.75 * 1
        expected[255] = 96f;                     // -0.75 * -128
        TestBlocks.assertSameFloats(TestBlocks.dequantize(GgmlType.Q8_K, block), expected);
    }
}
