package dev.hearth.compute.quant;

import dev.hearth.compute.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * Q2_K: super-blocks of 256 elements in 16 sub-blocks of 16, each element a 2-bit level {@code q}.
 * Sub-block {@code s} has a 4-bit scale {@code sc} and a 4-bit min {@code mn} (low and high nibble
 * of {@code scales[s]}); its elements are {@code d·sc · q − dmin·mn}.
 *
 * <pre>
 * offset  0  scales[16]  scale | min &lt;&lt; 4
 * offset 16  qs[64]      four 2-bit levels per byte
 * offset 80  d           fp16
 * offset 82  dmin        fp16
 * </pre>
 *
 * Each half of 128 elements uses 32 bytes of {@code qs}: element {@code 32·k + l} of the half
 * ({@code k} in 0..3, {@code l} in 0..31) is bits {@code 2k, 2k+1} of byte {@code l}.
 */
final class Q2_K implements WeightFormat {

    private static final GgmlType TYPE = GgmlType.Q2_K;
    private static final int BLOCK = GgmlType.QK_K;
    private static final int SCALES = 0;
    private static final int QS = 16;
    private static final int D = 80;
    private static final int DMIN = 82;

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
        for (int sub = 0; sub < 16; sub++) {
            int half = sub / 8;
            int shift = 2 * ((sub % 8) / 2);
            long qs = at + QS + 32L * half + 16L * (sub % 2);
            int scaleAndMin = Blocks.unsignedByte(block, at + SCALES + sub);
            float dl = d * (scaleAndMin & 0xF);
            float ml = dmin * (scaleAndMin >> 4);
            for (int l = 0; l < 16; l++) {
                int q = (Blocks.unsignedByte(block, qs + l) >> shift) & 3;
                dst[out + 16 * sub + l] = dl * q - ml;
            }
        }
    }
}
