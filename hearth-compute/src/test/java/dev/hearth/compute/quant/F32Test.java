package dev.hearth.compute.quant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.compute.tensor.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class F32Test {

    @Test
    void readsLittleEndianFloats() {
        // 1.5f = 0x3FC00000 and -0.1f = 0xBDCCCCCD, least significant byte first.
        byte[] bytes = {0x00, 0x00, (byte) 0xC0, 0x3F, (byte) 0xCD, (byte) 0xCC, (byte) 0xCC, (byte) 0xBD};
        TestBlocks.assertSameFloats(TestBlocks.dequantize(GgmlType.F32, bytes), new float[] {1.5f, -0.1f});
    }

    @Test
    void quantizingCopiesEveryFloatUnchanged() {
        float[] values = {0f, -0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NEGATIVE_INFINITY, 3.25f, Float.NaN};
        float[] back = TestBlocks.roundTrip(GgmlType.F32, values);
        TestBlocks.assertSameFloats(back, values);
        assertThat(TestBlocks.quantize(GgmlType.F32, new float[] {1.5f})).containsExactly(0x00, 0x00, 0xC0, 0x3F);
    }

    /**
     * The four-by-four tiles of {@link F32#matMulRows} against {@link F32#dot4} and {@link F32#dot}
     * row by row, the reference they must equal bit for bit (each element summed in the same order),
     * for ranges of rows that start and end anywhere, token counts with and without a remainder,
     * and rows of every length modulo the vector width (including shorter than one vector).
     */
    @Test
    void matMulRowsInTilesEqualsTheRowKernelsBitForBit() {
        F32 f32 = new F32();
        int rows = 11;
        for (int cols : new int[] {1, 7, 16, 33, 100, 515}) {
            MemorySegment w = Arena.ofAuto().allocate(4L * rows * cols, 64);
            float[] values = TestBlocks.gaussian(cols, rows * cols, 1);
            MemorySegment.copy(values, 0, w, Blocks.FLOAT_LE, 0, values.length);
            for (int tokens : new int[] {1, 4, 5, 8, 11}) {
                int xOffset = 3;
                float[] x = new float[xOffset + tokens * cols];
                System.arraycopy(TestBlocks.gaussian(tokens, tokens * cols, 1), 0, x, xOffset, tokens * cols);
                for (int from = 0; from <= 3; from++) {
                    for (int to = from; to <= rows; to++) {
                        int yOffset = 2;
                        int yStride = rows + 1;
                        float[] expected = new float[yOffset + tokens * yStride];
                        float[] actual = new float[expected.length];
                        for (int r = from; r < to; r++) {
                            int t = 0;
                            for (; t + 4 <= tokens; t += 4) {
                                f32.dot4(w, 4L * r * cols, cols, x, xOffset + t * cols, cols, expected,
                                        yOffset + t * yStride + r, yStride);
                            }
                            for (; t < tokens; t++) {
                                expected[yOffset + t * yStride + r] = f32.dot(w, 4L * r * cols, cols, x,
                                        xOffset + t * cols);
                            }
                        }
                        f32.matMulRows(w, cols, from, to, x, xOffset, tokens, actual, yOffset, yStride);
                        assertThat(actual).as("cols %d, tokens %d, rows [%d, %d)", cols, tokens, from, to)
                                .isEqualTo(expected);
                    }
                }
            }
        }
    }
}
