package dev.hearth.train.optim;

import dev.hearth.train.llama.ParameterLayout.Slot;
import java.util.List;

/**
 * AdamW (Loshchilov and Hutter): Adam's moment estimates with bias correction, and weight decay
 * applied to the parameters directly rather than through the gradient, only to tensors whose
 * {@link Slot#decays()} (matrices, not norm gains).
 */
public final class AdamW {

    /** The optimizer's constants. */
    public record Settings(float beta1, float beta2, float eps, float weightDecay) {
        public Settings {
            if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("beta1 and beta2 must be in [0, 1), got " + beta1 + " and " + beta2);
            }
            if (!(eps > 0) || !(weightDecay >= 0)) {
                throw new IllegalArgumentException("eps must be positive and weight decay not negative, got " + eps
                        + " and " + weightDecay);
            }
        }
    }

    private final Settings settings;
    private final boolean[] decays; // per slot, in layout order
    private final long[] slotEnds;
    private final float[] m;
    private final float[] v;
    private long steps;

    /** An optimizer for the {@code size} parameters that {@code slots} lay out. */
    public AdamW(List<Slot> slots, int size, Settings settings) {
        this.settings = settings;
        this.decays = new boolean[slots.size()];
        this.slotEnds = new long[slots.size()];
        for (int i = 0; i < slots.size(); i++) {
            decays[i] = slots.get(i).decays();
            slotEnds[i] = slots.get(i).offset() + slots.get(i).size();
        }
        this.m = new float[size];
        this.v = new float[size];
    }

    /** One update of every parameter from its gradient, at learning rate {@code lr}. */
    public void step(float[] params, float[] grads, float lr) {
        steps++;
        float b1 = settings.beta1();
        float b2 = settings.beta2();
        float correction1 = (float) (1 - Math.pow(b1, steps));
        float correction2 = (float) (1 - Math.pow(b2, steps));
        int from = 0;
        for (int s = 0; s < decays.length; s++) {
            int to = (int) slotEnds[s];
            float decay = decays[s] ? lr * settings.weightDecay() : 0f;
            for (int i = from; i < to; i++) {
                float g = grads[i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                float mHat = m[i] / correction1;
                float vHat = v[i] / correction2;
                params[i] -= lr * mHat / ((float) Math.sqrt(vHat) + settings.eps()) + decay * params[i];
            }
            from = to;
        }
    }

    /**
     * Scales {@code grads} so that their global L2 norm is at most {@code maxNorm} (no-op when
     * {@code maxNorm <= 0}), returning the norm before scaling.
     */
    public static double clipGradients(float[] grads, double maxNorm) {
        double sumSquares = 0;
        for (float g : grads) {
            sumSquares += (double) g * g;
        }
        double norm = Math.sqrt(sumSquares);
        if (maxNorm > 0 && norm > maxNorm) {
            float factor = (float) (maxNorm / norm);
            for (int i = 0; i < grads.length; i++) {
                grads[i] *= factor;
            }
        }
        return norm;
    }

    /** Updates taken so far (Adam's {@code t}). */
    public long steps() {
        return steps;
    }

    /** The first-moment estimates, at the parameters' offsets (for checkpoints). */
    public float[] firstMoments() {
        return m;
    }

    /** The second-moment estimates, at the parameters' offsets (for checkpoints). */
    public float[] secondMoments() {
        return v;
    }

    /** Continues from a checkpoint's state. */
    public void restore(long steps, float[] firstMoments, float[] secondMoments) {
        if (firstMoments.length != m.length || secondMoments.length != v.length || steps < 0) {
            throw new IllegalArgumentException("optimizer state of " + firstMoments.length + "/" + secondMoments.length
                    + " moments for a model of " + m.length + " parameters");
        }
        this.steps = steps;
        System.arraycopy(firstMoments, 0, m, 0, m.length);
        System.arraycopy(secondMoments, 0, v, 0, v.length);
    }
}
