package dev.hearth.compute.quant;

import dev.hearth.compute.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * bfloat16: the upper 16 bits of a float (1 sign, 8 exponent, 7 mantissa bits), so it keeps the
 * float range with relative error at most 2^-8. Narrowing rounds to nearest even and quiets NaNs,
 * as ggml's {@code GGML_FP32_TO_BF16}.
 */
final class BF16 implements Quantizer {

    @Override
    public GgmlType type() {
        return GgmlType.BF16;
    }

    @Override
    public void dequantize(MemorySegment src, long srcByteOffset, float[] dst, int dstOffset, int count) {
        Blocks.checkDequantize(GgmlType.BF16, src, srcByteOffset, dst, dstOffset, count);
        for (int i = 0; i < count; i++) {
            dst[dstOffset + i] = HalfFloats.bf16ToFloat(src.get(Blocks.SHORT_LE, srcByteOffset + 2L * i));
        }
    }

    @Override
    public void quantize(float[] src, int srcOffset, int count, MemorySegment dst, long dstByteOffset) {
        Blocks.checkQuantize(GgmlType.BF16, src, srcOffset, count, dst, dstByteOffset);
        for (int i = 0; i < count; i++) {
            dst.set(Blocks.SHORT_LE, dstByteOffset + 2L * i, HalfFloats.floatToBf16(src[srcOffset + i]));
        }
    }
}
