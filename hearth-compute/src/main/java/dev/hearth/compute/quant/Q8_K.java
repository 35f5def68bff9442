package dev.hearth.compute.quant;

import dev.hearth.compute.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * Q8_K: super-blocks of 256 elements as one float scale {@code d} and 256 signed bytes;
 * element {@code i} is {@code d · q[i]}. ggml uses it for activations paired with K-quant weights;
 * {@code bsums} (sums of each 16 levels) only speed up those dot products and are not read here.
 *
 * <pre>
 * offset   0  d          float32
 * offset   4  qs[256]    int8
 * offset 260  bsums[16]  int16
 * </pre>
 */
final class Q8_K implements WeightFormat {

    private static final GgmlType TYPE = GgmlType.Q8_K;
    private static final int BLOCK = GgmlType.QK_K;
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
        float d = block.get(Blocks.FLOAT_LE, at);
        for (int i = 0; i < BLOCK; i++) {
            dst[out + i] = d * Blocks.signedByte(block, at + QS + i);
        }
    }
}
