package dev.hearth.compute.quant;

import dev.hearth.compute.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The weight formats Hearth can read and write, looked up by ggml type.
 *
 * <p>This is the only place that maps a type to its format; the formats themselves know only their
 * own layout. Every returned format is stateless and thread-safe.
 */
public final class WeightFormats {

    private static final Map<GgmlType, WeightFormat> FORMATS = register(
            new F32(), new F16(), new BF16(),
            new Q4_0(), new Q4_1(), new Q5_0(), new Q5_1(), new Q8_0(),
            new Q2_K(), new Q3_K(), new Q4_K(), new Q5_K(), new Q6_K(), new Q8_K(),
            new IQ4_NL(), new IQ4_XS());

    /**
     * Each format's {@link #unpackRow}, as a handle bound to the format, for the loop that every
     * format shares ({@link UnpackedProduct}). Called through a handle that is not a constant, a
     * format's unpacking is compiled on its own, with its own profile. Called directly, C2 inlines
     * into the shared loop the one or two formats it has seen there; inside it a vector helper of
     * the inlined kernel can look cold and stay a call, and every vector it passes is then
     * allocated (F16 rows unpacked after F32 ones were seen to allocate 3 KB each).
     */
    private static final Map<GgmlType, MethodHandle> UNPACKERS = unpackers();

    private WeightFormats() {
    }

    /**
     * The format that reads {@code type}.
     *
     * @throws UnsupportedTypeException if Hearth cannot dequantize {@code type}
     */
    public static WeightFormat of(GgmlType type) {
        WeightFormat format = FORMATS.get(type);
        if (format == null) {
            throw new UnsupportedTypeException(type, "weight format");
        }
        return format;
    }

    /**
     * The format that writes {@code type}.
     *
     * @throws UnsupportedTypeException if Hearth cannot quantize to {@code type}
     */
    public static Quantizer quantizer(GgmlType type) {
        if (FORMATS.get(type) instanceof Quantizer quantizer) {
            return quantizer;
        }
        throw new UnsupportedTypeException(type, "quantizer");
    }

    /**
     * The fused dequantize-and-dot kernel of {@code type}'s format, if it has one that runs on this
     * machine's vector width (block formats need 8 or 16 float lanes).
     */
    public static Optional<FusedDot> fusedDot(GgmlType type) {
        if (FORMATS.get(type) instanceof FusedDot fused && runsHere(type)) {
            return Optional.of(fused);
        }
        return Optional.empty();
    }

    /** Whether the vector kernels of {@code type}'s format run at this machine's vector width. */
    private static boolean runsHere(GgmlType type) {
        return type.blockSize() == 1 || Lanes.BLOCK_KERNELS;
    }

    /**
     * Rows {@code [fromRow, toRow)} of a matrix in {@code format} times {@code tokens} activation
     * vectors, as {@link FusedDot#matMulRows} computes them, for a format without fused kernels:
     * each row is dequantized once for all the tokens.
     */
    public static void matMulRowsDequantized(WeightFormat format, MemorySegment w, int cols, int fromRow, int toRow,
            float[] x, int xOffset, int tokens, float[] y, int yOffset, int yStride) {
        UnpackedProduct.matMulRows(format, w, cols, fromRow, toRow, x, xOffset, tokens, y, yOffset, yStride);
    }

    /**
     * The row of {@code cols} elements at byte {@code rowAt} of {@code w} as floats, into
     * {@code dst} from {@code dstOffset}: with the format's vector {@link FusedDot#unpackRow} where
     * it runs on this machine, else with its scalar {@code dequantize}.
     */
    public static void unpackRow(WeightFormat format, MemorySegment w, long rowAt, int cols, float[] dst,
            int dstOffset) {
        if (format instanceof FusedDot fused && runsHere(format.type())) {
            fused.unpackRow(w, rowAt, cols, dst, dstOffset);
        } else {
            format.dequantize(w, rowAt, dst, dstOffset, cols);
        }
    }

    /** {@code format}'s {@link #unpackRow} as a handle of its own ({@link #UNPACKERS}), looked up once per product. */
    static MethodHandle unpacker(WeightFormat format) {
        return UNPACKERS.get(format.type());
    }

    /** {@link #unpackRow} through {@code unpacker}, a handle from {@link #unpacker}. */
    static void unpackRow(MethodHandle unpacker, MemorySegment w, long rowAt, int cols, float[] dst, int dstOffset) {
        try {
            unpacker.invokeExact(w, rowAt, cols, dst, dstOffset);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static Map<GgmlType, MethodHandle> unpackers() {
        MethodType row = MethodType.methodType(void.class, MemorySegment.class, long.class, int.class, float[].class,
                int.class);
        Map<GgmlType, MethodHandle> unpackers = new EnumMap<>(GgmlType.class);
        try {
            MethodHandle fused = MethodHandles.lookup().findVirtual(FusedDot.class, "unpackRow", row);
            MethodHandle dequantized = MethodHandles.lookup().findStatic(WeightFormats.class, "dequantizeRow",
                    row.insertParameterTypes(0, WeightFormat.class));
            for (WeightFormat format : FORMATS.values()) {
                unpackers.put(format.type(), format instanceof FusedDot kernels && runsHere(format.type())
                        ? fused.bindTo(kernels) : dequantized.bindTo(format));
            }
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        return unpackers;
    }

    private static void dequantizeRow(WeightFormat format, MemorySegment w, long rowAt, int cols, float[] dst,
            int dstOffset) {
        format.dequantize(w, rowAt, dst, dstOffset, cols);
    }

    /** The scaled-row kernel of {@code type}'s format, if it is a float format. */
    public static Optional<FloatRows> floatRows(GgmlType type) {
        return FORMATS.get(type) instanceof FloatRows rows ? Optional.of(rows) : Optional.empty();
    }

    /** The types {@link #of(GgmlType)} accepts. */
    public static Set<GgmlType> supportedTypes() {
        return Collections.unmodifiableSet(FORMATS.keySet());
    }

    private static Map<GgmlType, WeightFormat> register(WeightFormat... formats) {
        Map<GgmlType, WeightFormat> byType = new EnumMap<>(GgmlType.class);
        for (WeightFormat format : formats) {
            if (byType.put(format.type(), format) != null) {
                throw new IllegalStateException("two weight formats for " + format.type());
            }
        }
        return byType;
    }
}
