package dev.hearth.compute.quant;

import dev.hearth.compute.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

/**
 * Q5_0: blocks of 32 elements as one fp16 scale {@code d} and 32 five-bit levels {@code q};
 * element {@code i} is {@code d · (q[i] − 16)}. The low four bits are packed as in Q4_0 (element
 * {@code j} low nibble, {@code j + 16} high nibble of byte {@code j}); the fifth bit of element
 * {@code i} is bit {@code i} of the little-endian 32-bit word {@code qh}.
 *
 * <pre>
 * offset 0  d       fp16
 * offset 2  qh      uint32, high bits
 * offset 6  qs[16]  low 4 bits, two per byte
 * </pre>
 *
 * The quantizer sets {@code d = m / −16}, where {@code m} is the block's largest-magnitude element,
 * so {@code m} lands exactly on level 0 and the levels cover {@code −16d .. 15d}; as in Q4_0,
 * elements of the opposite sign beyond {@code 15.5|d|} clamp to level 31. llama.cpp writes Q5_0
 * where a Q4_K tensor's rows are not whole super-blocks.
 *
 * <p>The fused kernels unpack {@code L} levels at a time in int lanes: the nibble by mask or
 * shift, and the fifth bit as a lane mask made from {@code L} bits of {@code ~qh}; the lanes whose
 * fifth bit is clear get 16 subtracted, the others keep their nibble, which is {@code q − 16}.
 */
final class Q5_0 implements Quantizer, FusedDot {

    private static final GgmlType TYPE = GgmlType.Q5_0;
    private static final int BLOCK = 32;
    private static final int HALF = BLOCK / 2;
    private static final int QH = 2;
    private static final int QS = 6;

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
        int highBits = block.get(Blocks.INT_LE, at + QH);
        for (int j = 0; j < HALF; j++) {
            int packed = Blocks.unsignedByte(block, at + QS + j);
            int low = (packed & 0xF) | (((highBits >>> j) & 1) << 4);
            int high = (packed >> 4) | (((highBits >>> (j + HALF)) & 1) << 4);
            dst[out + j] = (low - 16) * d;
            dst[out + j + HALF] = (high - 16) * d;
        }
    }

    @Override
    public void quantize(float[] src, int srcOffset, int count, MemorySegment dst, long dstByteOffset) {
        int blocks = Blocks.checkQuantize(TYPE, src, srcOffset, count, dst, dstByteOffset);
        for (int b = 0; b < blocks; b++) {
            quantizeBlock(src, srcOffset + b * BLOCK, dst, dstByteOffset + (long) b * TYPE.typeSize());
        }
    }

    private static void quantizeBlock(float[] x, int from, MemorySegment block, long at) {
        float amax = 0;
        float max = 0;
        for (int i = 0; i < BLOCK; i++) {
            float v = x[from + i];
            if (amax < Math.abs(v)) {
                amax = Math.abs(v);
                max = v;
            }
        }
        float d = max / -16;
        float id = d != 0 ? 1.0f / d : 0.0f;
        Blocks.putHalf(block, at, d);
        int highBits = 0;
        for (int j = 0; j < HALF; j++) {
            int low = level(x[from + j] * id);
            int high = level(x[from + j + HALF] * id);
            Blocks.putByte(block, at + QS + j, (low & 0xF) | ((high & 0xF) << 4));
            highBits |= (low >> 4) << j;
            highBits |= (high >> 4) << (j + HALF);
        }
        block.set(Blocks.INT_LE, at + QH, highBits);
    }

    /** ggml's {@code MIN(31, (int8_t)(v + 16.5f))}: adding 16.5 and truncating rounds half up. */
    private static int level(float scaled) {
        return Math.min(31, (int) (scaled + 16.5f));
    }

    @Override
    public void matVecRows(MemorySegment w, int cols, int fromRow, int toRow, float[] x, int xOffset,
            float[] y, int yOffset) {
        long rowBytes = TYPE.byteSize(cols);
        for (int r = fromRow; r < toRow; r++) {
            y[yOffset + r] = dot(w, r * rowBytes, cols, x, xOffset);
        }
    }

    @Override
    public float dot(MemorySegment w, long rowAt, int cols, float[] x, int xOffset) {
        FloatVector sum = FloatVector.zero(Lanes.F);
        for (int b = 0; b < cols / BLOCK; b++) {
            long at = rowAt + (long) b * TYPE.typeSize();
            int xb = xOffset + b * BLOCK;
            long head = w.get(Blocks.LONG_LE, at);   // d, qh and two bytes of qs: one read for both fields
            int clearBits = ~(int) (head >>> 8 * QH);
            FloatVector blockSum = FloatVector.zero(Lanes.F);
            for (int j = 0; j < HALF; j += Lanes.L) {
                IntVector packed = Lanes.unsignedInts(w, at + QS + j);
                blockSum = low(packed, clearBits >>> j).fma(Lanes.x(x, xb + j), blockSum);
                blockSum = high(packed, clearBits >>> (HALF + j)).fma(Lanes.x(x, xb + HALF + j), blockSum);
            }
            sum = blockSum.fma(FloatVector.broadcast(Lanes.F, Float.float16ToFloat((short) head)), sum);
        }
        for (VectorShuffle<Float> fold : Lanes.FOLDS) {
            sum = sum.add(sum.rearrange(fold));
        }
        return sum.lane(0);
    }

    @Override
    public void unpackRow(MemorySegment w, long rowAt, int cols, float[] dst, int dstOffset) {
        for (int b = 0; b < cols / BLOCK; b++) {
            long at = rowAt + (long) b * TYPE.typeSize();
            int clearBits = ~w.get(Blocks.INT_LE, at + QH);
            FloatVector d = FloatVector.broadcast(Lanes.F, Blocks.half(w, at));
            for (int j = 0; j < BLOCK; j += Lanes.L) {
                IntVector packed = Lanes.unsignedInts(w, at + QS + j % HALF);
                (j < HALF ? low(packed, clearBits >>> j) : high(packed, clearBits >>> j)).mul(d)
                        .intoArray(dst, dstOffset + b * BLOCK + j);
            }
        }
    }

    /** The levels minus 16 of the low nibbles of {@code L} packed bytes, whose fifth bits are clear where {@code clearBits} is set. */
    private static FloatVector low(IntVector packed, int clearBits) {
        return Lanes.toFloats(packed.and(0xF).lanewise(VectorOperators.SUB, 16, clear(clearBits)));
    }

    /** The levels minus 16 of the high nibbles of {@code L} packed bytes, as {@link #low}. */
    private static FloatVector high(IntVector packed, int clearBits) {
        return Lanes.toFloats(packed.lanewise(VectorOperators.LSHR, 4).lanewise(VectorOperators.SUB, 16, clear(clearBits)));
    }

    /** The lanes whose bit of {@code clearBits} (lane {@code i}, bit {@code i}) is set. */
    private static VectorMask<Integer> clear(int clearBits) {
        return VectorMask.fromLong(Lanes.I, clearBits);
    }
}
