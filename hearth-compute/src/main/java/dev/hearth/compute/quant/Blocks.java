package dev.hearth.compute.quant;

import dev.hearth.compute.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Field access inside ggml blocks and the argument checks every format shares.
 *
 * <p>ggml blocks are packed C structs with no alignment (a Q4_0 block is 18 bytes), written on
 * little-endian machines; hence the unaligned little-endian layouts.
 */
final class Blocks {

    static final ValueLayout.OfShort SHORT_LE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat FLOAT_LE =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Blocks() {
    }

    static int unsignedByte(MemorySegment block, long offset) {
        return Byte.toUnsignedInt(block.get(ValueLayout.JAVA_BYTE, offset));
    }

    static byte signedByte(MemorySegment block, long offset) {
        return block.get(ValueLayout.JAVA_BYTE, offset);
    }

    static void putByte(MemorySegment block, long offset, int value) {
        block.set(ValueLayout.JAVA_BYTE, offset, (byte) value);
    }

    /** Reads an IEEE half-precision field (ggml's {@code ggml_half}) as a float, exactly. */
    static float half(MemorySegment block, long offset) {
        return HalfFloats.fp16ToFloat(block.get(SHORT_LE, offset));
    }

    /** The smallest of {@code x[from .. from+n)}, compared as ggml's quantizers compare. */
    static float min(float[] x, int from, int n) {
        float min = Float.MAX_VALUE;
        for (int i = from; i < from + n; i++) {
            if (x[i] < min) {
                min = x[i];
            }
        }
        return min;
    }

    /** The largest of {@code x[from .. from+n)}, compared as ggml's quantizers compare. */
    static float max(float[] x, int from, int n) {
        float max = -Float.MAX_VALUE;
        for (int i = from; i < from + n; i++) {
            if (x[i] > max) {
                max = x[i];
            }
        }
        return max;
    }

    /** Writes {@code value} rounded to half precision as ggml's {@code GGML_FP32_TO_FP16} does. */
    static void putHalf(MemorySegment block, long offset, float value) {
        block.set(SHORT_LE, offset, HalfFloats.floatToFp16(value));
    }

    /**
     * Checks the arguments of {@link WeightFormat#dequantize} before anything is written.
     *
     * @return the number of blocks to dequantize
     */
    static int checkDequantize(GgmlType type, MemorySegment src, long srcByteOffset, float[] dst, int dstOffset,
            int count) {
        long bytes = type.byteSize(count);
        Objects.checkFromIndexSize(srcByteOffset, bytes, src.byteSize());
        Objects.checkFromIndexSize(dstOffset, count, dst.length);
        return count / type.blockSize();
    }

    /**
     * Checks the arguments of {@link Quantizer#quantize} before anything is written.
     *
     * @return the number of blocks to quantize
     */
    static int checkQuantize(GgmlType type, float[] src, int srcOffset, int count, MemorySegment dst,
            long dstByteOffset) {
        long bytes = type.byteSize(count);
        Objects.checkFromIndexSize(srcOffset, count, src.length);
        Objects.checkFromIndexSize(dstByteOffset, bytes, dst.byteSize());
        if (dst.isReadOnly()) {
            throw new UnsupportedOperationException("cannot quantize into a read-only segment");
        }
        return count / type.blockSize();
    }
}
