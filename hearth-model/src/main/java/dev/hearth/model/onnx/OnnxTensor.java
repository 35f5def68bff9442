package dev.hearth.model.onnx;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;

/**
 * A tensor of an ONNX file (an initializer, or a {@code Constant} node's value): its name, element
 * type, dimensions, and its elements as little-endian bytes. Raw data stays a slice of the file;
 * values stored in typed fields ({@code float_data}, {@code int64_data}) are copied into bytes of
 * the same layout, so every tensor reads the same way.
 *
 * @param dataType ONNX's {@code TensorProto.DataType}: {@link #FLOAT} 1, {@link #INT32} 6, {@link #INT64} 7 …
 * @param dims row-major, outermost first (a PyTorch {@code Linear} exported as {@code MatMul} is {@code [in, out]})
 * @param data the elements, {@code elementCount × element size} bytes, little-endian
 * @param offset where the elements start in the file, for error messages; −1 when copied from typed fields
 */
public record OnnxTensor(String name, int dataType, List<Long> dims, MemorySegment data, long offset) {
    public static final int FLOAT = 1;
    public static final int INT32 = 6;
    public static final int INT64 = 7;

    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public OnnxTensor {
        dims = List.copyOf(dims);
    }

    /** The product of the dimensions (1 for a scalar). */
    public long elementCount() {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    /** Element {@code i} of a {@link #FLOAT} tensor. */
    public float floatAt(long i) {
        requireType(FLOAT, "float");
        return data.getAtIndex(LE_FLOAT, i);
    }

    /** The elements of a {@link #FLOAT} tensor, copied onto the heap. */
    public float[] floats() {
        requireType(FLOAT, "float");
        float[] out = new float[Math.toIntExact(elementCount())];
        MemorySegment.copy(data, LE_FLOAT, 0, out, 0, out.length);
        return out;
    }

    /** The elements of an {@link #INT64} or {@link #INT32} tensor, as longs. */
    public long[] longs() {
        if (dataType != INT64 && dataType != INT32) {
            throw new IllegalStateException(name + ": element type " + dataType + " is not an integer type (6 or 7)");
        }
        long[] out = new long[Math.toIntExact(elementCount())];
        for (int i = 0; i < out.length; i++) {
            out[i] = dataType == INT64 ? data.getAtIndex(LE_LONG, i) : data.getAtIndex(LE_INT, i);
        }
        return out;
    }

    /** Bytes per element of an ONNX data type, or 0 for one of variable or unknown size (strings). */
    static int elementSize(int dataType) {
        return switch (dataType) {
            case 2, 3, 9 -> 1;          // uint8, int8, bool
            case 4, 5, 10, 16 -> 2;     // uint16, int16, float16, bfloat16
            case FLOAT, INT32, 12 -> 4; // float, int32, uint32
            case INT64, 11, 13 -> 8;    // int64, double, uint64
            default -> 0;
        };
    }

    private void requireType(int type, String what) {
        if (dataType != type) {
            throw new IllegalStateException(name + ": element type " + dataType + " is not " + what + " (" + type + ")");
        }
    }
}
