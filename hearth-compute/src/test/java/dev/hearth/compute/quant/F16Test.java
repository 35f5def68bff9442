package dev.hearth.compute.quant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.compute.tensor.GgmlType;
import org.junit.jupiter.api.Test;

class F16Test {

    private static final float SMALLEST_NORMAL = 0x1p-14f;

    @Test
    void readsHalfPrecisionBitPatterns() {
        byte[] bytes = {
            0x00, 0x3C,                 // 0x3C00: exponent 15 - 15 = 0, mantissa 0      ->  1.0
            0x00, (byte) 0xC0,          // 0xC000: sign, exponent 16 - 15 = 1            -> -2.0
            (byte) 0xFF, 0x7B,          // 0x7BFF: (1 + 1023/1024) * 2^15                ->  65504
            0x55, 0x35,                 // 0x3555: (1 + 341/1024) * 2^-2 = 1365/4096     ->  0.333251953125
            0x01, 0x00,                 // 0x0001: smallest subnormal, 2^-24             ->  5.9604645e-8
            0x00, (byte) 0x80,          // 0x8000: negative zero
            0x00, 0x7C,                 // 0x7C00: infinity
        };
        TestBlocks.assertSameFloats(TestBlocks.dequantize(GgmlType.F16, bytes),
                new float[] {1f, -2f, 65504f, 0.333251953125f, 0x1p-24f, -0f, Float.POSITIVE_INFINITY});
    }

    @Test
    void roundTripIsWithinHalfAnUlpOfHalfPrecision() {
        for (long seed = 1; seed <= 5; seed++) {
            for (double sigma : new double[] {1e-3, 1, 1e3}) {
                float[] values = TestBlocks.gaussian(seed, 4096, sigma);
                float[] back = TestBlocks.roundTrip(GgmlType.F16, values);
                for (int i = 0; i < values.length; i++) {
                    // 10 mantissa bits: relative error at most 2^-11 for normal values; below the
                    // normal range the spacing is fixed at 2^-24, so the error is at most 2^-25.
                    double bound = Math.abs(values[i]) >= SMALLEST_NORMAL ? Math.abs(values[i]) * 0x1p-11 : 0x1p-25;
                    assertThat((double) Math.abs(back[i] - values[i])).isLessThanOrEqualTo(bound);
                }
            }
        }
    }

    @Test
    void valuesRepresentableInHalfPrecisionRoundTripExactly() {
        float[] values = new float[65536];
        for (int bits = 0; bits < values.length; bits++) {
            values[bits] = Float.float16ToFloat((short) bits);
        }
        float[] back = TestBlocks.roundTrip(GgmlType.F16, values);
        for (int bits = 0; bits < values.length; bits++) {
            if (!Float.isNaN(values[bits])) {
                assertThat(Float.floatToIntBits(back[bits])).isEqualTo(Float.floatToIntBits(values[bits]));
            }
        }
    }

    @Test
    void roundsTiesToEvenAndOverflowsToInfinity() {
        // Between 1 and 1 + 2^-10 the tie 1 + 2^-11 goes to the even mantissa, 1; between
        // 1 + 2^-10 and 1 + 2^-9 the tie goes up to 1 + 2^-9. 65520 is the tie between 65504 and
        // the next step 65536, which is beyond the format, so it becomes infinity.
        float[] values = {1 + 0x1p-11f, 1 + 0x1p-10f + 0x1p-11f, 65519f, 65520f, -1e10f};
        TestBlocks.assertSameFloats(TestBlocks.roundTrip(GgmlType.F16, values),
                new float[] {1f, 1 + 0x1p-9f, 65504f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY});
    }

    @Test
    void everyNaNBecomesGgmlsQuietNaNKeepingItsSign() {
        float negativeSignallingNaN = Float.intBitsToFloat(0xFF800001);
        byte[] bytes = TestBlocks.quantize(GgmlType.F16, new float[] {Float.NaN, negativeSignallingNaN});
        assertThat(bytes).containsExactly(0x00, 0x7E, 0x00, 0xFE);
    }
}
