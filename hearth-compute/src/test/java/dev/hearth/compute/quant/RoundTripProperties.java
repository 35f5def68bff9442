package dev.hearth.compute.quant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.compute.tensor.GgmlType;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.Size;
import java.util.List;

/** Error bounds that hold for any input, not just the sampled ones in the format tests. */
class RoundTripProperties {

    @Property
    void f16IsWithinHalfAnUlp(@ForAll @FloatRange(min = -65504, max = 65504) float value) {
        float back = TestBlocks.roundTrip(GgmlType.F16, new float[] {value})[0];
        double bound = Math.abs(value) >= 0x1p-14f ? Math.abs(value) * 0x1p-11 : 0x1p-25;
        assertThat((double) Math.abs(back - value)).isLessThanOrEqualTo(bound);
    }

    @Property
    void bf16IsWithinHalfAnUlp(@ForAll float value) {
        float back = TestBlocks.roundTrip(GgmlType.BF16, new float[] {value})[0];
        if (Float.isNaN(value)) {
            assertThat(back).isNaN();
        } else if (Math.abs(value) < 0x1p-126f) {
            assertThat((double) Math.abs(back - value)).isLessThanOrEqualTo(0x1p-134); // subnormal spacing 2^-133
        } else if (!Float.isInfinite(back) || Float.isInfinite(value)) {
            assertThat((double) Math.abs(back - value)).isLessThanOrEqualTo(Math.abs(value) * 0x1p-8);
        } else {
            // Only values rounding past bfloat16's largest finite value, 0x7F7F0000, overflow.
            assertThat(Math.abs(value)).isGreaterThan(Float.intBitsToFloat(0x7F7F7FFF));
        }
    }

    @Property
    void q8_0IsWithinHalfAStepPlusScaleRounding(
            @ForAll @Size(32) List<@FloatRange(min = -1e6f, max = 1e6f) Float> block) {
        float[] x = new float[32];
        float amax = 0;
        for (int i = 0; i < 32; i++) {
            x[i] = block.get(i);
            amax = Math.max(amax, Math.abs(x[i]));
        }
        float[] back = TestBlocks.roundTrip(GgmlType.Q8_0, x);
        float d = amax / 127;
        double scaleRounding = Math.abs(d - Float.float16ToFloat(Float.floatToFloat16(d)));
        double bound = d / 2 * (1 + 1e-4) + 127 * scaleRounding + amax * 0x1p-23;
        for (int i = 0; i < 32; i++) {
            assertThat((double) Math.abs(back[i] - x[i])).isLessThanOrEqualTo(bound);
        }
    }
}
