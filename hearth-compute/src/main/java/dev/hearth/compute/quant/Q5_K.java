package dev.hearth.compute.quant;

import dev.hearth.compute.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * Q5_K: super-blocks of 256 elements in 8 sub-blocks of 32, each element a 5-bit level {@code q}.
 * Scales and mins are as in {@link Q4_K}: elements of sub-block {@code s} are
 * {@code d·sc · q − dmin·mn}.
 *
 * <pre>
 * offset  0  d           fp16
 * offset  2  dmin        fp16
 * offset  4  scales[12]  eight 6-bit scales and eight 6-bit mins
 * offset 16  qh[32]      fifth bit of each level
 * offset 48  qs[128]     low 4 bits, two per byte
 * </pre>
 *
 * The low bits are laid out as in Q4_K. The fifth bit of element {@code 32·s + l} is bit {@code s}
 * of {@code qh[l]}.
 */
final class Q5_K implements WeightFormat {

    private static final GgmlType TYPE = GgmlType.Q5_K;
    private static final int BLOCK = GgmlType.QK_K;
    private static final int SUB = 32;
    private static final int D = 0;
    private static final int DMIN = 2;
    private static final int SCALES = 4;
    private static final int QH = 16;
    private static final int QS = 48;

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
        float d = Blocks.half(block, at + D);
        float dmin = Blocks.half(block, at + DMIN);
        for (int sub = 0; sub < KScales.SUB_BLOCKS; sub++) {
            float scale = d * KScales.scale(block, at + SCALES, sub);
            float min = dmin * KScales.min(block, at + SCALES, sub);
            int shift = 4 * (sub % 2);
            long qs = at + QS + 32L * (sub / 2);
            for (int l = 0; l < SUB; l++) {
                int low = (Blocks.unsignedByte(block, qs + l) >> shift) & 0xF;
                int high = (Blocks.unsignedByte(block, at + QH + l) >> sub) & 1;
                dst[out + SUB * sub + l] = scale * (low + 16 * high) - min;
            }
        }
    }
}
