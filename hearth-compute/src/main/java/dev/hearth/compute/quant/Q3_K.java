package dev.hearth.compute.quant;

import dev.hearth.compute.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

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
 *
 * <p>The one-token kernel ({@link #dot}) sums the levels times the activations per sub-block and
 * scales each sum once; rows are unpacked a sub-block's sixteen levels {@code L} lanes at a time.
 * Either way a level is the two low bits shifted out of the {@code qs} bytes widened to int lanes,
 * and the third from the {@code hmask} bytes of the same lanes, as {@code q − 4 + 4·high}.
 */
final class Q3_K implements FusedDot {

    private static final GgmlType TYPE = GgmlType.Q3_K;
    private static final int BLOCK = GgmlType.QK_K;
    private static final int HMASK = 0;
    private static final int QS = 32;
    private static final int SCALES = 96;
    private static final int D = 108;
    private static final int SUB = 16;

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

    @Override
    public void matVecRows(MemorySegment w, int cols, int fromRow, int toRow, float[] x, int xOffset,
            float[] y, int yOffset) {
        float[] sums = SubBlockSums.of(x, xOffset, cols, SUB);
        long rowBytes = TYPE.byteSize(cols);
        for (int r = fromRow; r < toRow; r++) {
            y[yOffset + r] = dot(w, r * rowBytes, cols, x, xOffset, sums);
        }
    }

    @Override
    public float dot(MemorySegment w, long rowAt, int cols, float[] x, int xOffset) {
        return dot(w, rowAt, cols, x, xOffset, SubBlockSums.of(x, xOffset, cols, SUB));
    }

    /**
     * One row. Per super-block: its sixteen scales {@code d·(sc − 32)} unpacked with long
     * arithmetic (eight bytes of 6-bit scales in each of two longs); per sub-block,
     * {@code Σ (q + 4)·x} (the levels without their offset of −4: the two low bits or'd with the
     * third) as a vector of partial sums, added to {@code even} or {@code odd} times the sub-block's
     * scale; the offset once per super-block, as {@code −4 · Σ scale·Σx} against the activations'
     * sub-block sums.
     *
     * <p>A loop over the eight pairs of sub-blocks, not the pairs written out as {@link Q4_K}'s
     * kernel has them. Written out (a half super-block at a time) it ran 1.7 times faster, but in
     * 3 of 17 JVMs C2 left some of its Vector API calls uncompiled and every vector they made was
     * allocated (20–37 KB per product, {@code KernelCompilationTest}), with AVX-512 and AVX2 alike.
     * This loop allocated nothing in 14 JVMs and is about twice the speed of the loop it replaced,
     * which read each scale's bytes and called helpers for the levels ({@code MatMulSpeed},
     * 2048 × 8192, one core: 1.2–1.9 → 2.4–3.7 GB/s; AVX2 0.9–1.4 → 1.6–2.9, a busy machine).
     */
    private static float dot(MemorySegment w, long rowAt, int cols, float[] x, int xOffset, float[] sums) {
        FloatVector even = FloatVector.zero(Lanes.F);
        FloatVector odd = even;
        FloatVector offsets = even;
        FloatVector first;
        FloatVector second;
        IntVector q;
        IntVector m;
        for (int b = 0; b < cols / BLOCK; b++) {
            long at = rowAt + (long) b * TYPE.typeSize();
            int xs = xOffset + b * BLOCK;
            long lowNibbles = w.get(Blocks.LONG_LE, at + SCALES);
            long highBits = Integer.toUnsignedLong(w.get(Blocks.INT_LE, at + SCALES + 8));
            long scales0to7 = scales0to7(lowNibbles, highBits);
            long scales8to15 = scales8to15(lowNibbles, highBits);
            float d = Float.float16ToFloat(w.get(Blocks.SHORT_LE, at + D));
            FloatVector low8 = ((FloatVector) LongVector.broadcast(Lanes.EIGHT_BYTES, scales0to7)
                    .reinterpretAsBytes().convertShape(VectorOperators.B2F, Lanes.F, 0)).sub(32).mul(d);
            FloatVector high8 = ((FloatVector) LongVector.broadcast(Lanes.EIGHT_BYTES, scales8to15)
                    .reinterpretAsBytes().convertShape(VectorOperators.B2F, Lanes.F, 0)).sub(32).mul(d);
            offsets = low8.fma(FloatVector.fromArray(Lanes.F, sums, 2 * b * Lanes.L), offsets);
            offsets = high8.fma(FloatVector.fromArray(Lanes.F, sums, (2 * b + 1) * Lanes.L), offsets);
            for (int pair = 0; pair < 8; pair++) {
                // sub-blocks 2·pair and 2·pair + 1: bits 2·(pair mod 4) of qs bytes 32·(pair / 4) + 0–31, bit pair
                // of the hmask bytes
                long qs = at + QS + 32L * (pair / 4);
                int shift = 2 * (pair % 4);
                int xp = xs + 32 * pair;
                first = FloatVector.zero(Lanes.F);
                second = first;
                for (int l = 0; l < SUB; l += Lanes.L) {
                    q = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, qs + l, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                    m = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, at + HMASK + l, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                    first = ((FloatVector) q.lanewise(VectorOperators.LSHR, shift).and(3)
                            .or(m.lanewise(VectorOperators.LSHR, pair).and(1).lanewise(VectorOperators.LSHL, 2))
                            .convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(Lanes.F, x, xp + l), first);
                    q = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, qs + 16 + l, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                    m = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, at + HMASK + 16 + l, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                    second = ((FloatVector) q.lanewise(VectorOperators.LSHR, shift).and(3)
                            .or(m.lanewise(VectorOperators.LSHR, pair).and(1).lanewise(VectorOperators.LSHL, 2))
                            .convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(Lanes.F, x, xp + 16 + l), second);
                }
                long scalePair = (pair < 4 ? scales0to7 : scales8to15) >>> 16 * (pair % 4);
                even = first.fma(FloatVector.broadcast(Lanes.F, d * ((int) (scalePair & 0xFF) - 32)), even);
                odd = second.fma(FloatVector.broadcast(Lanes.F, d * ((int) (scalePair >>> 8 & 0xFF) - 32)), odd);
            }
        }
        FloatVector sum = even.add(odd).sub(offsets.mul(4f));
        for (VectorShuffle<Float> fold : Lanes.FOLDS) {
            sum = sum.add(sum.rearrange(fold));
        }
        return sum.lane(0);
    }

    /** The 6-bit scales of sub-blocks 0–7, a byte each, from the scale bytes 0–7 and 8–11. */
    private static long scales0to7(long lowNibbles, long highBits) {
        long high = (highBits & 0x03030303L) | ((highBits >>> 2) & 0x03030303L) << 32;
        return lowNibbles & 0x0F0F0F0F0F0F0F0FL | high << 4;
    }

    /** The 6-bit scales of sub-blocks 8–15, a byte each, from the scale bytes 0–7 and 8–11. */
    private static long scales8to15(long lowNibbles, long highBits) {
        long high = ((highBits >>> 4) & 0x03030303L) | ((highBits >>> 6) & 0x03030303L) << 32;
        return (lowNibbles >>> 4) & 0x0F0F0F0F0F0F0F0FL | high << 4;
    }

    /**
     * Written with the Vector API's own calls only: a helper of ours taking or returning a vector
     * was seen left as a call here (once the loops of products that every format shares call the
     * unpacking from two places), and every vector crossing it was allocated.
     */
    @Override
    public void unpackRow(MemorySegment w, long rowAt, int cols, float[] dst, int dstOffset) {
        for (int b = 0; b < cols / BLOCK; b++) {
            long at = rowAt + (long) b * TYPE.typeSize();
            float d = Float.float16ToFloat(w.get(Blocks.SHORT_LE, at + D));
            long lowNibbles = w.get(Blocks.LONG_LE, at + SCALES);
            long highBits = Integer.toUnsignedLong(w.get(Blocks.INT_LE, at + SCALES + 8));
            long scales0to7 = scales0to7(lowNibbles, highBits);
            long scales8to15 = scales8to15(lowNibbles, highBits);
            for (int sub = 0; sub < 16; sub++) {
                long scaleBytes = sub < 8 ? scales0to7 : scales8to15;
                FloatVector scale = FloatVector.broadcast(Lanes.F, d * ((int) (scaleBytes >>> 8 * (sub % 8) & 0xFF) - 32));
                int shift = 2 * ((sub % 8) / 2);
                int bit = sub / 2;
                int firstByte = 16 * (sub % 2);
                long qs = at + QS + 32L * (sub / 8) + firstByte;
                for (int l = 0; l < 16; l += Lanes.L) {
                    IntVector q = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, qs + l, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                    IntVector m = (IntVector) ByteVector.fromMemorySegment(Lanes.B, w, at + HMASK + firstByte + l, Lanes.LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, 0);
                    IntVector level = q.lanewise(VectorOperators.LSHR, shift).and(3)
                            .or(m.lanewise(VectorOperators.LSHR, bit).and(1).lanewise(VectorOperators.LSHL, 2)).sub(4);
                    ((FloatVector) level.convert(VectorOperators.I2F, 0)).mul(scale)
                            .intoArray(dst, dstOffset + b * BLOCK + 16 * sub + l);
                }
            }
        }
    }
}
