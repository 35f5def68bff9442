package dev.hearth.compute.quant;

import dev.hearth.compute.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

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
 *
 * <p>The fused kernels take a sub-block's sixteen levels {@code L} lanes at a time, shifted out of
 * the {@code qs} bytes widened to int lanes, and scale them as {@code q·(d·sc) − dmin·mn} in one
 * multiply-add.
 */
final class Q2_K implements FusedDot {

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

    @Override
    public void matVecRows(MemorySegment w, int cols, int fromRow, int toRow, float[] x, int xOffset,
            float[] y, int yOffset) {
        long rowBytes = TYPE.byteSize(cols);
        for (int r = fromRow; r < toRow; r++) {
            y[yOffset + r] = dot(w, r * rowBytes, cols, x, xOffset);
        }
    }

    /** Two accumulators, for even and odd sub-blocks: two independent chains of multiply-adds. */
    @Override
    public float dot(MemorySegment w, long rowAt, int cols, float[] x, int xOffset) {
        FloatVector evens = FloatVector.zero(Lanes.F);
        FloatVector odds = FloatVector.zero(Lanes.F);
        for (int b = 0; b < cols / BLOCK; b++) {
            long at = rowAt + (long) b * TYPE.typeSize();
            float d = Blocks.half(w, at + D);
            float dmin = -Blocks.half(w, at + DMIN);
            int xb = xOffset + b * BLOCK;
            for (int sub = 0; sub < 16; sub += 2) {
                int even = Blocks.unsignedByte(w, at + SCALES + sub);
                int odd = Blocks.unsignedByte(w, at + SCALES + sub + 1);
                int shift = 2 * ((sub % 8) / 2);
                long qs = at + QS + 32L * (sub / 8);
                for (int l = 0; l < 16; l += Lanes.L) {
                    evens = value(w, qs + l, shift, d * (even & 0xF), dmin * (even >> 4))
                            .fma(Lanes.x(x, xb + 16 * sub + l), evens);
                    odds = value(w, qs + 16 + l, shift, d * (odd & 0xF), dmin * (odd >> 4))
                            .fma(Lanes.x(x, xb + 16 * (sub + 1) + l), odds);
                }
            }
        }
        FloatVector lanes = evens.add(odds);
        for (VectorShuffle<Float> fold : Lanes.FOLDS) {
            lanes = lanes.add(lanes.rearrange(fold));
        }
        return lanes.lane(0);
    }

    @Override
    public void unpackRow(MemorySegment w, long rowAt, int cols, float[] dst, int dstOffset) {
        for (int b = 0; b < cols / BLOCK; b++) {
            long at = rowAt + (long) b * TYPE.typeSize();
            float d = Blocks.half(w, at + D);
            float dmin = -Blocks.half(w, at + DMIN);
            for (int sub = 0; sub < 16; sub++) {
                int scaleAndMin = Blocks.unsignedByte(w, at + SCALES + sub);
                long qs = at + QS + 32L * (sub / 8) + 16L * (sub % 2);
                for (int l = 0; l < 16; l += Lanes.L) {
                    value(w, qs + l, 2 * ((sub % 8) / 2), d * (scaleAndMin & 0xF), dmin * (scaleAndMin >> 4))
                            .intoArray(dst, dstOffset + b * BLOCK + 16 * sub + l);
                }
            }
        }
    }

    /** {@code q·scale + min} for the {@code L} levels at bits {@code shift, shift + 1} of the bytes at {@code at}. */
    private static FloatVector value(MemorySegment w, long at, int shift, float scale, float min) {
        return level(w, at, shift).fma(scale, min);
    }

    /** Bits {@code shift, shift + 1} of the {@code L} bytes at {@code at}, as floats. */
    private static FloatVector level(MemorySegment w, long at, int shift) {
        return Lanes.toFloats(Lanes.unsignedInts(w, at).lanewise(VectorOperators.LSHR, shift).and(3));
    }
}
