package dev.hearth.compute.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.compute.tensor.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class WeightFormatsTest {

    private static final Set<GgmlType> READABLE = EnumSet.of(
            GgmlType.F32, GgmlType.F16, GgmlType.BF16,
            GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q8_0,
            GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K, GgmlType.Q8_K,
            GgmlType.IQ4_NL, GgmlType.IQ4_XS);

    private static final Set<GgmlType> WRITABLE = EnumSet.of(
            GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0,
            GgmlType.Q5_1, GgmlType.Q4_K, GgmlType.Q6_K);

    static Set<GgmlType> readable() {
        return READABLE;
    }

    static Set<GgmlType> writable() {
        return WRITABLE;
    }

    @Test
    void supportsExactlyTheListedTypes() {
        assertThat(WeightFormats.supportedTypes()).isEqualTo(READABLE);
    }

    @ParameterizedTest
    @MethodSource("readable")
    void everyFormatReadsTheTypeItIsRegisteredFor(GgmlType type) {
        assertThat(WeightFormats.of(type).type()).isSameAs(type);
    }

    @ParameterizedTest
    @MethodSource("readable")
    void everyFormatFillsWholeBlocksOfItsTypesSize(GgmlType type) {
        // A format that read past typeSize() bytes per block would fail on a segment sized exactly.
        int count = 3 * type.blockSize();
        MemorySegment exactlySized = MemorySegment.ofArray(new byte[3 * type.typeSize()]);
        float[] out = new float[count + 1];
        out[count] = 42f;
        WeightFormats.of(type).dequantize(exactlySized, 0, out, 0, count);
        assertThat(out[count]).as("element after the last block is untouched").isEqualTo(42f);
    }

    @ParameterizedTest
    @MethodSource("writable")
    void everyQuantizerWritesExactlyTypeSizeBytesPerBlock(GgmlType type) {
        int count = 2 * type.blockSize();
        byte[] target = new byte[2 * type.typeSize() + 2];
        Arrays.fill(target, (byte) 0x5A);
        float[] values = TestBlocks.gaussian(3, count, 1);
        WeightFormats.quantizer(type).quantize(values, 0, count, MemorySegment.ofArray(target), 1);
        assertThat(target[0]).isEqualTo((byte) 0x5A);
        assertThat(target[target.length - 1]).isEqualTo((byte) 0x5A);
    }

    @ParameterizedTest
    @MethodSource("readable")
    void dequantizingAPartialBlockFailsNamingTheBlockSize(GgmlType type) {
        if (type.blockSize() == 1) {
            return; // every count is a whole number of one-element blocks
        }
        int count = type.blockSize() + 1;
        MemorySegment src = MemorySegment.ofArray(new byte[2 * type.typeSize()]);
        assertThatThrownBy(() -> WeightFormats.of(type).dequantize(src, 0, new float[count], 0, count))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(type + " stores whole blocks of " + type.blockSize() + " elements; got " + count
                        + " elements");
    }

    @ParameterizedTest
    @MethodSource("writable")
    void quantizingAPartialBlockFailsNamingTheBlockSize(GgmlType type) {
        if (type.blockSize() == 1) {
            return;
        }
        int count = type.blockSize() - 1;
        MemorySegment dst = MemorySegment.ofArray(new byte[type.typeSize()]);
        assertThatThrownBy(() -> WeightFormats.quantizer(type).quantize(new float[count], 0, count, dst, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("whole blocks of " + type.blockSize());
    }

    @ParameterizedTest
    @MethodSource("readable")
    void dequantizingBeyondTheSegmentFailsWithoutWritingAnything(GgmlType type) {
        int count = 2 * type.blockSize();
        MemorySegment tooShort = MemorySegment.ofArray(new byte[2 * type.typeSize() - 1]);
        float[] out = new float[count];
        Arrays.fill(out, 7f);
        assertThatThrownBy(() -> WeightFormats.of(type).dequantize(tooShort, 0, out, 0, count))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(out).containsOnly(7f);
    }

    @Test
    void dequantizingIntoTooSmallAnArrayFails() {
        MemorySegment src = MemorySegment.ofArray(new byte[GgmlType.Q8_0.typeSize()]);
        assertThatThrownBy(() -> WeightFormats.of(GgmlType.Q8_0).dequantize(src, 0, new float[40], 10, 32))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void quantizingIntoAReadOnlySegmentFails() {
        MemorySegment readOnly = MemorySegment.ofArray(new byte[GgmlType.Q8_0.typeSize()]).asReadOnly();
        assertThatThrownBy(() -> WeightFormats.quantizer(GgmlType.Q8_0).quantize(new float[32], 0, 32, readOnly, 0))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"IQ2_XXS", "IQ3_S", "Q8_1", "TQ2_0", "MXFP4", "I32", "F64"})
    void anUnsupportedTypeIsRejectedByName(GgmlType type) {
        assertThatThrownBy(() -> WeightFormats.of(type))
                .isInstanceOf(UnsupportedTypeException.class)
                .hasMessageContaining(type.name())
                .satisfies(e -> assertThat(((UnsupportedTypeException) e).type()).isSameAs(type));
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q2_K", "Q3_K", "Q5_K", "Q8_K", "IQ4_NL", "IQ4_XS"})
    void aReadOnlyFormatHasNoQuantizer(GgmlType type) {
        assertThatThrownBy(() -> WeightFormats.quantizer(type))
                .isInstanceOf(UnsupportedTypeException.class)
                .hasMessageContaining("quantizer")
                .hasMessageContaining(type.name());
    }

    @Test
    void theBlockLayoutsMatchGgml() {
        // sizeof(block_*) in ggml-common.h, for the types that have a format here.
        assertThat(GgmlType.Q4_0.typeSize()).isEqualTo(2 + 16);
        assertThat(GgmlType.Q4_1.typeSize()).isEqualTo(2 + 2 + 16);
        assertThat(GgmlType.Q5_0.typeSize()).isEqualTo(2 + 4 + 16);
        assertThat(GgmlType.Q5_1.typeSize()).isEqualTo(2 + 2 + 4 + 16);
        assertThat(GgmlType.Q8_0.typeSize()).isEqualTo(2 + 32);
        assertThat(GgmlType.Q2_K.typeSize()).isEqualTo(16 + 64 + 2 + 2);
        assertThat(GgmlType.Q3_K.typeSize()).isEqualTo(32 + 64 + 12 + 2);
        assertThat(GgmlType.Q4_K.typeSize()).isEqualTo(2 + 2 + 12 + 128);
        assertThat(GgmlType.Q5_K.typeSize()).isEqualTo(2 + 2 + 12 + 32 + 128);
        assertThat(GgmlType.Q6_K.typeSize()).isEqualTo(128 + 64 + 16 + 2);
        assertThat(GgmlType.Q8_K.typeSize()).isEqualTo(4 + 256 + 2 * 16);
        assertThat(GgmlType.IQ4_NL.typeSize()).isEqualTo(2 + 16);
        assertThat(GgmlType.IQ4_XS.typeSize()).isEqualTo(2 + 2 + 4 + 128);
        for (GgmlType type : READABLE) {
            int expectedBlock = switch (type) {
                case F32, F16, BF16 -> 1;
                case Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, IQ4_NL -> 32;
                default -> GgmlType.QK_K;
            };
            assertThat(type.blockSize()).as("%s block size", type).isEqualTo(expectedBlock);
        }
    }
}
