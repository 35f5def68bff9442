package dev.hearth.compute.quant;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class KScalesTest {

    @Test
    void everySixBitScaleAndMinSurvivesPackingInEverySlot() {
        for (int value = 0; value < 64; value++) {
            int[] scales = new int[8];
            int[] mins = new int[8];
            for (int j = 0; j < 8; j++) {
                scales[j] = (value + 7 * j) % 64;
                mins[j] = (value + 13 * j + 5) % 64;
            }
            MemorySegment packed = MemorySegment.ofArray(new byte[14]);
            KScales.pack(scales, mins, packed, 1);
            long bytes0to7 = packed.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 1);
            int bytes8to11 = packed.get(Blocks.INT_LE, 9);
            long allScales = KScales.scales(bytes0to7, bytes8to11);
            long allMins = KScales.mins(bytes0to7, bytes8to11);
            for (int j = 0; j < 8; j++) {
                assertThat(KScales.scale(packed, 1, j)).isEqualTo(scales[j]);
                assertThat(KScales.min(packed, 1, j)).isEqualTo(mins[j]);
                assertThat((int) (allScales >>> (8 * j)) & 0xFF).as("scale %d, all at once", j).isEqualTo(scales[j]);
                assertThat((int) (allMins >>> (8 * j)) & 0xFF).as("min %d, all at once", j).isEqualTo(mins[j]);
            }
        }
    }

    @Test
    void packsTheHighBitsOfTheLastFourSubBlocksIntoTheFirstEightBytes() {
        int[] scales = {0, 0, 0, 0, 0b110101, 0, 0, 0};
        int[] mins = {0, 0, 0, 0, 0, 0, 0, 0b100011};
        MemorySegment packed = MemorySegment.ofArray(new byte[12]);
        KScales.pack(scales, mins, packed, 0);
        // Sub-block 4's scale: low nibble 0101 into byte 8, high bits 11 into the top of byte 0.
        // Sub-block 7's min: low nibble 0011 into the top of byte 11, high bits 10 into the top of byte 7.
        assertThat(packed.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE))
                .containsExactly(0xC0, 0, 0, 0, 0, 0, 0, 0x80, 0x05, 0, 0, 0x30);
    }
}
