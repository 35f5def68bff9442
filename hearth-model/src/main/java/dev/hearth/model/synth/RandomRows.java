package dev.hearth.model.synth;

import java.nio.charset.StandardCharsets;

/**
 * Seeded random rows that do not depend on how a tensor is cut into blocks or threads: each row has
 * its own stream, started from the seed, the tensor's name and the row number. The streams are
 * SplitMix64; a normal draw is the Irwin–Hall sum of the four 16-bit quarters of one 64-bit draw,
 * centred and scaled to variance 1 (it reaches ±3.46σ, where a true normal has rare outliers
 * beyond: close enough for weights whose only purpose is to have the right scale). Plain integer
 * arithmetic, so a seed gives the same bits on every JVM.
 */
final class RandomRows {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private static final double QUARTER = 1.0 / 65536;
    private static final double SQRT3 = Math.sqrt(3);

    private RandomRows() {}

    /** The seed of tensor {@code name}'s rows: FNV-1a of its name, mixed with {@code seed}. */
    static long tensorSeed(long seed, String name) {
        long hash = 0xCBF29CE484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            hash = (hash ^ (b & 0xFF)) * 0x100000001B3L;
        }
        return mix(seed ^ mix(hash));
    }

    /** Fills {@code out[0 .. n)} with row {@code row}'s draws of N({@code mean}, {@code std}²). */
    static void gaussian(long tensorSeed, long row, float[] out, int n, double mean, double std) {
        long state = mix(tensorSeed ^ mix(row + GOLDEN_GAMMA));
        for (int i = 0; i < n; i++) {
            state += GOLDEN_GAMMA;
            long bits = mix(state);
            double sum = (bits & 0xFFFF) + (bits >>> 16 & 0xFFFF) + (bits >>> 32 & 0xFFFF) + (bits >>> 48) + 2.0;
            double z = (sum * QUARTER - 2.0) * SQRT3;
            out[i] = (float) (mean + std * z);
        }
    }

    /** SplitMix64's finalizer: a bijection that scrambles every bit into every other. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
