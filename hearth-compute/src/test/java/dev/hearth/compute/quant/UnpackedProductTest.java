package dev.hearth.compute.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import dev.hearth.compute.tensor.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The multi-token products of every fused format, against its own unpacked rows and its dequantization. */
class UnpackedProductTest {

    static final int ROWS = 11;
    private static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * {@link FusedDot#matMulRows} against the order {@link UnpackedProduct} promises, element by
     * element and bit for bit: the row unpacked, times the token in {@link #inOrder}. Ranges of
     * rows start and end anywhere (whole and padded groups of four), token counts have and lack a
     * remainder of four, and float rows have every length modulo the vector width.
     */
    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K",
        "IQ4_NL", "IQ4_XS"})
    void everyElementIsTheUnpackedRowTimesTheTokenWhereverItFallsInTheTiles(GgmlType type) {
        FusedDot format = WeightFormats.fusedDot(type).orElseThrow();
        for (int cols : widths(type)) {
            MemorySegment w = matrix(type, cols);
            long rowBytes = type.byteSize(cols);
            for (int tokens : new int[] {1, 2, 3, 4, 5, 8, 11}) {
                int xOffset = 3;
                float[] x = new float[xOffset + tokens * cols];
                System.arraycopy(TestBlocks.gaussian(tokens, tokens * cols, 1), 0, x, xOffset, tokens * cols);
                float[] row = new float[cols];
                for (int from = 0; from <= 3; from++) {
                    for (int to = from; to <= ROWS; to++) {
                        int yOffset = 2;
                        int yStride = ROWS + 1;
                        float[] expected = new float[yOffset + tokens * yStride];
                        float[] actual = new float[expected.length];
                        for (int r = from; r < to; r++) {
                            format.unpackRow(w, r * rowBytes, cols, row, 0);
                            for (int t = 0; t < tokens; t++) {
                                expected[yOffset + t * yStride + r] = inOrder(row, x, xOffset + t * cols);
                            }
                        }
                        format.matMulRows(w, cols, from, to, x, xOffset, tokens, actual, yOffset, yStride);
                        assertThat(actual).as("%s: cols %d, tokens %d, rows [%d, %d)", type, cols, tokens, from, to)
                                .isEqualTo(expected);
                    }
                }
            }
        }
    }

    /**
     * An unpacked row is the format's dequantization: equal up to the rounding of a fused
     * multiply-add against a multiply and an add (a millionth of the row's largest magnitude),
     * at an offset into the destination.
     */
    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K",
        "IQ4_NL", "IQ4_XS"})
    void anUnpackedRowIsTheDequantizedRow(GgmlType type) {
        FusedDot format = WeightFormats.fusedDot(type).orElseThrow();
        for (int cols : widths(type)) {
            MemorySegment w = matrix(type, cols);
            long rowBytes = type.byteSize(cols);
            for (int r = 0; r < ROWS; r++) {
                float[] dequantized = new float[cols];
                format.dequantize(w, r * rowBytes, dequantized, 0, cols);
                float[] unpacked = new float[cols + 5];
                format.unpackRow(w, r * rowBytes, cols, unpacked, 5);
                double largest = 0;
                for (float v : dequantized) {
                    largest = Math.max(largest, Math.abs(v));
                }
                for (int j = 0; j < cols; j++) {
                    assertThat((double) unpacked[5 + j]).as("%s: cols %d, row %d, element %d", type, cols, r, j)
                            .isCloseTo(dequantized[j], offset(1e-6 * largest));
                }
            }
        }
    }

    /**
     * The order of every product: one vector accumulator over the row's whole vectors, its lanes
     * summed in {@link Lanes#FOLDS}' order, then the remaining columns one by one.
     */
    private static float inOrder(float[] row, float[] x, int xOffset) {
        FloatVector sum = FloatVector.zero(Lanes.F);
        int j = 0;
        for (; j <= row.length - Lanes.L; j += Lanes.L) {
            sum = Lanes.x(row, j).fma(Lanes.x(x, xOffset + j), sum);
        }
        for (VectorShuffle<Float> fold : Lanes.FOLDS) {
            sum = sum.add(sum.rearrange(fold));
        }
        float total = sum.lane(0);
        for (; j < row.length; j++) {
            total += row[j] * x[xOffset + j];
        }
        return total;
    }

    static int[] widths(GgmlType type) {
        return switch (type) {
            case F32, F16, BF16 -> new int[] {1, 7, 16, 33, 100, 515};
            case Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, IQ4_XS -> new int[] {256, 512};
            default -> new int[] {32, 64, 96, 256};
        };
    }

    /**
     * Gaussian rows quantized where the format has a quantizer; otherwise (Q2_K, Q3_K, Q5_K, IQ4_NL,
     * IQ4_XS) random blocks whose fp16 scales and minimums are small and finite.
     */
    static MemorySegment matrix(GgmlType type, int cols) {
        long seed = cols * 31L + type.ordinal();
        MemorySegment w = Arena.ofAuto().allocate(type.byteSize((long) ROWS * cols), 64);
        int[] halves = switch (type) { // the fp16 fields of formats without a quantizer
            case Q2_K -> new int[] {80, 82};
            case Q3_K -> new int[] {108};
            case Q5_K -> new int[] {0, 2};
            case IQ4_NL, IQ4_XS -> new int[] {0};
            default -> null;
        };
        if (halves != null) {
            Random random = new Random(seed);
            byte[] bytes = new byte[Math.toIntExact(w.byteSize())];
            random.nextBytes(bytes);
            MemorySegment.copy(MemorySegment.ofArray(bytes), 0, w, 0, bytes.length);
            for (long at = 0; at < w.byteSize(); at += type.typeSize()) {
                for (int field : halves) {
                    w.set(HALF, at + field, Float.floatToFloat16(0.01f * (1 + random.nextFloat())));
                }
            }
            return w;
        }
        float[] values = TestBlocks.gaussian(seed, ROWS * cols, 1);
        WeightFormats.quantizer(type).quantize(values, 0, values.length, w, 0);
        return w;
    }
}
