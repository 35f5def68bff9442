package dev.hearth.model.arch.transformer;

/** Comparisons of logit vectors for the model tests. */
final class Logits {
    private Logits() {
    }

    /** First index of the largest value (llama2.c's argmax). */
    static int argmax(float[] v, int offset, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (v[offset + i] > v[offset + best]) {
                best = i;
            }
        }
        return best;
    }

    static int argmax(float[] v) {
        return argmax(v, 0, v.length);
    }

    /** {@code ‖a − b‖ / ‖b‖} over {@code n} elements: the relative RMS error of a against b. */
    static double relativeRms(float[] a, int aOffset, float[] b, int bOffset, int n) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < n; i++) {
            double d = a[aOffset + i] - b[bOffset + i];
            diff += d * d;
            norm += (double) b[bOffset + i] * b[bOffset + i];
        }
        return Math.sqrt(diff / norm);
    }

    static double relativeRms(float[] a, float[] b) {
        return relativeRms(a, 0, b, 0, b.length);
    }

    /** {@code max |a − b| / max |b|}. */
    static double relativeMax(float[] a, int aOffset, double[] b, int n) {
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < n; i++) {
            diff = Math.max(diff, Math.abs(a[aOffset + i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return diff / scale;
    }
}
