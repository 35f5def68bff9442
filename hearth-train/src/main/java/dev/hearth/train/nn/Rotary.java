package dev.hearth.train.nn;

import dev.hearth.compute.kernels.Kernels;

/**
 * Rotary position embedding on rows of {@code heads} vectors of {@code headDim}, the row's position
 * being {@code row mod T}; pairs adjacent (Llama) or {@code (k, k + d/2)} ({@code neox}, Qwen).
 * A rotation's backward pass is the rotation by the opposite angle (its transpose), applied to the
 * gradient in place.
 */
public final class Rotary {
    private Rotary() {}

    public static void forward(Kernels kernels, float[] x, int rows, int T, int heads, int headDim,
            float[] invFrequencies, boolean neox) {
        for (int r = 0; r < rows; r++) {
            kernels.rope(x, r * heads * headDim, heads, headDim, r % T, invFrequencies, neox);
        }
    }

    /** Turns {@code d(rotated)} into {@code d(unrotated)} in place. */
    public static void backward(Kernels kernels, float[] dx, int rows, int T, int heads, int headDim,
            float[] invFrequencies, boolean neox) {
        for (int r = 0; r < rows; r++) {
            kernels.rope(dx, r * heads * headDim, heads, headDim, -(r % T), invFrequencies, neox);
        }
    }
}
