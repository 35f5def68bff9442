package dev.hearth.train.nn;

/** SwiGLU's gating: {@code h = silu(gate) ⊙ up} with {@code silu(g) = g·σ(g)}. */
public final class SwiGlu {
    private SwiGlu() {}

    public static void forward(float[] h, float[] gate, float[] up, int n) {
        for (int i = 0; i < n; i++) {
            float g = gate[i];
            h[i] = g / (1f + (float) Math.exp(-g)) * up[i];
        }
    }

    /**
     * {@code dGate = dh ⊙ up ⊙ σ(g)(1 + g(1 − σ(g)))} and {@code dUp = dh ⊙ silu(g)}; both
     * overwritten (they are the only paths into the gate and up products).
     */
    public static void backward(float[] dGate, float[] dUp, float[] dh, float[] gate, float[] up, int n) {
        for (int i = 0; i < n; i++) {
            float g = gate[i];
            float sigmoid = 1f / (1f + (float) Math.exp(-g));
            float silu = g * sigmoid;
            dUp[i] = dh[i] * silu;
            dGate[i] = dh[i] * up[i] * sigmoid * (1f + g * (1f - sigmoid));
        }
    }
}
