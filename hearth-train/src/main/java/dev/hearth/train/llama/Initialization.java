package dev.hearth.train.llama;

import dev.hearth.train.data.SplitMix64;
import dev.hearth.train.llama.ParameterLayout.Slot;
import java.util.Arrays;

/**
 * GPT-2's initialisation: every matrix from N(0, 0.02²), the two projections that write into the
 * residual stream (attention output, feed-forward down) scaled by {@code 1/√(2·layers)} so the
 * stream's variance does not grow with depth, norm gains 1.
 */
public final class Initialization {
    private static final double STD = 0.02;

    private Initialization() {}

    public static void initialize(LlamaParameters model, SplitMix64 random) {
        ParameterLayout layout = model.layout();
        float[] p = model.values();
        double residualStd = STD / Math.sqrt(2.0 * model.shape().layers());
        for (Slot slot : layout.slots()) {
            if (!slot.decays()) {
                Arrays.fill(p, (int) slot.offset(), (int) slot.offset() + slot.size(), 1f);
                continue;
            }
            boolean residual = layout.blocks().stream().anyMatch(b -> b.wo() == slot || b.down() == slot);
            double std = residual ? residualStd : STD;
            for (int i = 0; i < slot.size(); i++) {
                p[(int) slot.offset() + i] = (float) (random.nextGaussian() * std);
            }
        }
    }
}
