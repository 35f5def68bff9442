package dev.hearth.compute.quant;

/**
 * Conversions between float and the two 16-bit float formats ggml stores, bit-identical to ggml's.
 *
 * <p>Half precision (IEEE binary16) widens to float exactly and narrows with round-to-nearest-even;
 * the JDK's conversions do both. ggml differs only in NaN: it narrows every NaN to the canonical
 * quiet NaN {@code 0x7E00} with the input's sign, and so do we, so that quantized files compare
 * byte for byte.
 *
 * <p>bfloat16 is the upper half of a float. ggml narrows it with round-to-nearest-even on the
 * dropped 16 bits (overflow rounds to infinity, subnormals are kept) and quiets NaNs by setting
 * the top mantissa bit, keeping the rest of the payload.
 */
final class HalfFloats {

    private static final short FP16_QUIET_NAN = 0x7E00;

    private HalfFloats() {
    }

    static float fp16ToFloat(short bits) {
        return Float.float16ToFloat(bits);
    }

    static short floatToFp16(float value) {
        if (Float.isNaN(value)) {
            int sign = (Float.floatToRawIntBits(value) >>> 16) & 0x8000;
            return (short) (sign | FP16_QUIET_NAN);
        }
        return Float.floatToFloat16(value);
    }

    static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    static short floatToBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7FFFFFFF) > 0x7F800000) {
            return (short) ((bits >>> 16) | 0x40);
        }
        // Adding 0x7FFF plus the lowest kept bit rounds half to even; a carry out of the mantissa
        // correctly bumps the exponent, up to infinity.
        int roundingBias = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }
}
