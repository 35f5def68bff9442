package dev.hearth.compute.quant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.compute.tensor.GgmlType;
import org.junit.jupiter.api.Test;

class BF16Test {

    @Test
    void readsTheUpperHalfOfAFloat() {
        byte[] bytes = {
            (byte) 0x80, 0x3F,          // 0x3F80 -> 0x3F800000 =  1.0
            0x40, (byte) 0xC0,          // 0xC040 -> 0xC0400000 = -3.0
            0x49, 0x40,                 // 0x4049 -> 0x40490000 =  3.140625
            (byte) 0x80, 0x7F,          // 0x7F80 -> infinity
            0x01, 0x00,                 // 0x0001 -> 0x00010000 = 2^-133, a float subnormal
        };
        TestBlocks.assertSameFloats(TestBlocks.dequantize(GgmlType.BF16, bytes),
                new float[] {1f, -3f, 3.140625f, Float.POSITIVE_INFINITY, 0x1p-133f});
    }

    @Test
    void roundTripIsWithinHalfAnUlpOfBfloat16() {
        for (long seed = 1; seed <= 5; seed++) {
            for (double sigma : new double[] {1e-30, 1, 1e30}) {
                float[] values = TestBlocks.gaussian(seed, 4096, sigma);
                float[] back = TestBlocks.roundTrip(GgmlType.BF16, values);
                for (int i = 0; i < values.length; i++) {
                    // 7 mantissa bits: relative error at most 2^-8 (these magnitudes are all normal).
                    assertThat((double) Math.abs(back[i] - values[i])).isLessThanOrEqualTo(Math.abs(values[i]) * 0x1p-8);
                }
            }
        }
    }

    @Test
    void valuesRepresentableInBfloat16RoundTripExactly() {
        float[] values = new float[65536];
        for (int bits = 0; bits < values.length; bits++) {
            values[bits] = Float.intBitsToFloat(bits << 16);
        }
        float[] back = TestBlocks.roundTrip(GgmlType.BF16, values);
        for (int bits = 0; bits < values.length; bits++) {
            if (!Float.isNaN(values[bits])) {
                assertThat(Float.floatToIntBits(back[bits])).isEqualTo(Float.floatToIntBits(values[bits]));
            }
        }
    }

    @Test
    void roundsTiesToEvenAndOverflowsToInfinity() {
        float tieDown = Float.intBitsToFloat(0x3F808000);  // halfway between 0x3F80 and 0x3F81 -> even 0x3F80
        float tieUp = Float.intBitsToFloat(0x3F818000);    // halfway between 0x3F81 and 0x3F82 -> even 0x3F82
        float aboveTie = Float.intBitsToFloat(0x3F808001); // just above halfway -> 0x3F81
        byte[] bytes = TestBlocks.quantize(GgmlType.BF16, new float[] {tieDown, tieUp, aboveTie, Float.MAX_VALUE});
        assertThat(bytes).containsExactly(0x80, 0x3F, 0x82, 0x3F, 0x81, 0x3F, 0x80, 0x7F);
    }

    @Test
    void nanStaysNaNWithItsQuietBitSet() {
        float signallingNaN = Float.intBitsToFloat(0x7F800001); // payload only in the dropped bits
        float quietNaN = Float.intBitsToFloat(0xFFC12345);
        byte[] bytes = TestBlocks.quantize(GgmlType.BF16, new float[] {signallingNaN, quietNaN});
        // 0x7F80 | 0x0040 = 0x7FC0; 0xFFC1 already has the quiet bit.
        assertThat(bytes).containsExactly(0xC0, 0x7F, 0xC1, 0xFF);
        float[] back = TestBlocks.dequantize(GgmlType.BF16, bytes);
        assertThat(Float.isNaN(back[0]) && Float.isNaN(back[1])).isTrue();
    }
}
