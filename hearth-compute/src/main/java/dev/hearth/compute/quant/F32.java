package dev.hearth.compute.quant;

import dev.hearth.compute.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/** Plain little-endian IEEE floats; "quantizing" copies them. */
final class F32 implements Quantizer {

    @Override
    public GgmlType type() {
        return GgmlType.F32;
    }

    @Override
    public void dequantize(MemorySegment src, long srcByteOffset, float[] dst, int dstOffset, int count) {
        Blocks.checkDequantize(GgmlType.F32, src, srcByteOffset, dst, dstOffset, count);
        MemorySegment.copy(src, Blocks.FLOAT_LE, srcByteOffset, dst, dstOffset, count);
    }

    @Override
    public void quantize(float[] src, int srcOffset, int count, MemorySegment dst, long dstByteOffset) {
        Blocks.checkQuantize(GgmlType.F32, src, srcOffset, count, dst, dstByteOffset);
        MemorySegment.copy(src, srcOffset, dst, Blocks.FLOAT_LE, dstByteOffset, count);
    }
}
