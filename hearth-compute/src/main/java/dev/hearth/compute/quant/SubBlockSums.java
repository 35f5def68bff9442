package dev.hearth.compute.quant;

/**
 * The sums of the activations that each sub-block of a K-quant row multiplies, computed once per
 * product and shared by all its rows (ggml's {@code bsums}). With them a term that every element
 * of a sub-block shares leaves the inner loop: Q4_K's and Q5_K's minimum,
 * {@code Σ_j dmin·mn·x_j = dmin·mn·Σ_j x_j}, and Q6_K's level offset,
 * {@code Σ_j d·sc·32·x_j = d·sc·32·Σ_j x_j}, cost one multiply-add per eight sub-blocks.
 *
 * <p>Laid out for those multiply-adds: eight sub-blocks in a group (a Q4_K super-block, half a
 * Q6_K one), each group {@code L} floats, its eight sums and then zeros, which meet the lanes of
 * the group's eight scales and whatever the lanes past them hold.
 */
final class SubBlockSums {

    private static final int GROUP = 8;
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

    private SubBlockSums() {
    }

    /**
     * The sums of {@code x[xOffset .. xOffset + cols)} by sub-blocks of {@code size}, in this
     * thread's scratch array (valid until its next call on this thread), each sum in order.
     */
    static float[] of(float[] x, int xOffset, int cols, int size) {
        int groups = cols / (GROUP * size);
        float[] sums = SCRATCH.get();
        if (sums.length < groups * Lanes.L) {
            sums = new float[groups * Lanes.L];
            SCRATCH.set(sums);
        }
        for (int g = 0; g < groups; g++) {
            for (int sub = 0; sub < Lanes.L; sub++) {
                float sum = 0;
                if (sub < GROUP) {
                    int from = xOffset + (GROUP * g + sub) * size;
                    for (int j = from; j < from + size; j++) {
                        sum += x[j];
                    }
                }
                sums[g * Lanes.L + sub] = sum;
            }
        }
        return sums;
    }
}
