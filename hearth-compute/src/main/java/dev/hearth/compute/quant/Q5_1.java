package dev.hearth.compute.quant;

import dev.hearth.compute.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * Q5_1: blocks of 32 elements as an fp16 scale {@code d}, an fp16 offset {@code m} and 32
 * five-bit levels {@code q}; element {@code i} is {@code d · q[i] + m}. The levels are packed as
 * in {@link Q5_0}.
 *
 * <pre>
 * offset 0  d       fp16
 * offset 2  m       fp16
 * offset 4  qh      uint32, high bits
 * offset 8  qs[16]  low 4 bits, two per byte
 * </pre>
 */
final class Q5_1 implements WeightFormat {

    private static final GgmlType TYPE = GgmlType.Q5_1;
    private static final int BLOCK = 32;
    private static final int HALF = BLOCK / 2;
    private static final int QH = 4;
    private static final int QS = 8;

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
        int highBits = block.get(Blocks.INT_LE, at + QH);
        for (int j = 0; j < HALF; j++) {
            int packed = Blocks.unsignedByte(block, at + QS + j);
            int low = (packed & 0xF) | (((highBits >>> j) & 1) << 4);
            int high = (packed >> 4) | (((highBits >>> (j + HALF)) & 1) << 4);
            dst[out + j] = low * d + m;
            dst[out + j + HALF] = high * d + m;
        }
    }
}
