package dev.hearth.compute.quant;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import org.junit.jupiter.api.Test;

class LanesTest {

    @Test
    void halvesWidenEveryBitPatternExactlyAsTheJdkDoes() {
        short[] all = new short[1 << 16];
        for (int i = 0; i < all.length; i++) {
            all[i] = (short) i;
        }
        MemorySegment halves = MemorySegment.ofArray(all);
        float[] lanes = new float[Lanes.L];
        for (int i = 0; i < all.length; i += Lanes.L) {
            Lanes.halves(halves, 2L * i).intoArray(lanes, 0);
            for (int k = 0; k < Lanes.L; k++) {
                float expected = Float.float16ToFloat(all[i + k]);
                assertThat(Float.floatToRawIntBits(lanes[k])).as("half 0x%04x", i + k)
                        .isEqualTo(Float.floatToRawIntBits(expected));
            }
        }
    }

    @Test
    void laneSumsAddPairwiseInAFixedOrder() {
        float[] values = new float[Lanes.L];
        for (int k = 0; k < values.length; k++) {
            values[k] = 1f / (k + 3);
        }
        float expected = pairwise(values, 0, values.length);
        FloatVector folded = FloatVector.fromArray(Lanes.F, values, 0);
        for (VectorShuffle<Float> fold : Lanes.FOLDS) {
            folded = folded.add(folded.rearrange(fold));
        }
        assertThat(folded.lane(0)).isEqualTo(expected);
    }

    /** Lane i + L/2 onto lane i, then i + L/4, ...: the halves of each range summed first. */
    private static float pairwise(float[] v, int from, int n) {
        float[] folded = v.clone();
        for (int half = n / 2; half >= 1; half /= 2) {
            for (int i = 0; i < half; i++) {
                folded[i] = folded[i] + folded[i + half];
            }
        }
        return folded[0];
    }
}
