package dev.hearth.compute.quant;

import dev.hearth.compute.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * IEEE half precision: 1 sign, 5 exponent, 10 mantissa bits. Widening is exact; narrowing rounds
 * to nearest even (relative error at most 2^-11 in the normal range, values beyond 65504 become
 * infinite).
 */
final class F16 implements Quantizer {

    @Override
    public GgmlType type() {
        return GgmlType.F16;
    }

    @Override
    public void dequantize(MemorySegment src, long srcByteOffset, float[] dst, int dstOffset, int count) {
        Blocks.checkDequantize(GgmlType.F16, src, srcByteOffset, dst, dstOffset, count);
        for (int i = 0; i < count; i++) {
            dst[dstOffset + i] = Blocks.half(src, srcByteOffset + 2L * i);
        }
    }

    @Override
    public void quantize(float[] src, int srcOffset, int count, MemorySegment dst, long dstByteOffset) {
        Blocks.checkQuantize(GgmlType.F16, src, srcOffset, count, dst, dstByteOffset);
        for (int i = 0; i < count; i++) {
            Blocks.putHalf(dst, dstByteOffset + 2L * i, src[srcOffset + i]);
        }
    }
}
