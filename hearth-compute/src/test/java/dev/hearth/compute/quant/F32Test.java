package dev.hearth.compute.quant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.compute.tensor.GgmlType;
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
}
