package dev.hearth.compute.quant;

import dev.hearth.compute.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * Q4_1: blocks of 32 elements as an fp16 scale {@code d}, an fp16 offset {@code m} and 32 four-bit
 * levels {@code q}; element {@code i} is {@code d · q[i] + m}. Byte {@code j} holds element
 * {@code j} in its low nibble and element {@code j + 16} in its high nibble.
 *
 * <pre>
 * offset 0  d       fp16
 * offset 2  m       fp16
 * offset 4  qs[16]  two 4-bit levels per byte
 * </pre>
 */
final class Q4_1 implements WeightFormat {

    private static final GgmlType TYPE = GgmlType.Q4_1;
    private static final int BLOCK = 32;
    private static final int HALF = BLOCK / 2;
    private static final int QS = 4;

    @Override
    public GgmlType type() {
        return TYPE;
    }

    @Override
    public void dequantize(MemorySegment src, long srcByteOffset, float[] dst, int dstOffset, int count) {
        int blocks = Blocks.checkDequantize(TYPE, src, srcByteOffset, dst, dstOffset, count);
        for (int b = 0; b < blocks; b++) {
            dequantizeBlock(src, srcByteOffset + (long) b * TYPE.typeSize(), dst, dstOffset + b * BLOCK);
        }
    }

    private static void dequantizeBlock(MemorySegment block, long at, float[] dst, int out) {
        float d = Blocks.half(block, at);
        float m = Blocks.half(block, at + 2);
        for (int j = 0; j < HALF; j++) {
            int packed = Blocks.unsignedByte(block, at + QS + j);
            dst[out + j] = (packed & 0xF) * d + m;
            dst[out + j + HALF] = (packed >> 4) * d + m;
        }
    }
}
