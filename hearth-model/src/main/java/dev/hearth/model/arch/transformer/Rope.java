package dev.hearth.model.arch.transformer;

/**
 * Rotary position embedding as the decoder applies it: the first {@code 2·invFrequencies.length}
 * elements of every query and key head are rotated by {@code position · invFrequencies[k]}.
 *
 * @param invFrequencies {@code [rotatedDims / 2]} angle per position of each pair, scaling included
 * @param neox how elements pair up: false for Llama's adjacent pairs {@code (2k, 2k+1)}, true for
 *     the NeoX halves {@code (k, k + rotatedDims/2)} of Qwen
 */
public record Rope(float[] invFrequencies, boolean neox) {

    /**
     * The frequencies {@code freqScale / (theta^(2k/rotatedDims) · factors[k])}, as llama.cpp
     * computes them.
     *
     * @param rotatedDims how many elements of a head rotate ({@code {arch}.rope.dimension_count})
     * @param theta the base ({@code {arch}.rope.freq_base})
     * @param freqScale 1 / the linear scaling factor; 1 without scaling
     * @param factors {@code [rotatedDims/2]} per-pair divisors (Llama 3.1's {@code rope_freqs.weight}),
     *     or null for none
     */
    public static Rope of(int rotatedDims, double theta, float freqScale, float[] factors, boolean neox) {
        float[] inv = new float[rotatedDims / 2];
        for (int k = 0; k < inv.length; k++) {
            // float arithmetic, as llama2.c's run.c: 1 / powf(theta, 2k / dims)
            inv[k] = 1f / (float) Math.pow(theta, (float) (2 * k) / rotatedDims) * freqScale;
            if (factors != null) {
                inv[k] /= factors[k];
            }
        }
        return new Rope(inv, neox);
    }
}
