package dev.hearth.compute.quant;

import dev.hearth.compute.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * Q3_K: super-blocks of 256 elements in 16 sub-blocks of 16, each element a 3-bit level; element
 * values are {@code d · (sc − 32) · (q − 4)} with a 6-bit sub-block scale {@code sc}.
 *
 * <pre>
 * offset   0  hmask[32]   high (third) bit of each level
 * offset  32  qs[64]      low 2 bits, four per byte
 * offset  96  scales[12]  sixteen 6-bit scales
 * offset 108  d           fp16
 * </pre>
 *
 * The low bits are laid out as in {@link Q2_K}. The high bit of element {@code 32·k + l}
 * ({@code k} in 0..7, {@code l} in 0..31) is bit {@code k} of {@code hmask[l]}. Scale {@code s}
 * keeps its low 4 bits in the low nibble of {@code scales[s]} for {@code s < 8}, in the high
 * nibble of {@code scales[s − 8]} otherwise, and its high 2 bits in bits {@code 2·(s/4)} of
 * {@code scales[8 + s % 4]}.
 */
final class Q3_K implements WeightFormat {

    private static final GgmlType TYPE = GgmlType.Q3_K;
    private static final int BLOCK = GgmlType.QK_K;
    private static final int HMASK = 0;
    private static final int QS = 32;
    private static final int SCALES = 96;
    private static final int D = 108;

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
        for (int sub = 0; sub < 16; sub++) {
            int half = sub / 8;
            int shift = 2 * ((sub % 8) / 2);
            int highBit = 1 << (sub / 2);
            int firstByte = 16 * (sub % 2);
            float dl = d * (scale(block, at, sub) - 32);
            for (int l = 0; l < 16; l++) {
                int low = (Blocks.unsignedByte(block, at + QS + 32L * half + firstByte + l) >> shift) & 3;
                boolean high = (Blocks.unsignedByte(block, at + HMASK + firstByte + l) & highBit) != 0;
                dst[out + 16 * sub + l] = dl * (low - (high ? 0 : 4));
            }
        }
    }

    /** The unsigned 6-bit scale of sub-block {@code sub}. */
    private static int scale(MemorySegment block, long at, int sub) {
        int lowByte = Blocks.unsignedByte(block, at + SCALES + sub % 8);
        int low = sub < 8 ? lowByte & 0xF : lowByte >> 4;
        int high = (Blocks.unsignedByte(block, at + SCALES + 8 + sub % 4) >> (2 * (sub / 4))) & 3;
        return low | (high << 4);
    }
}
