package dev.hearth.cli;

import dev.hearth.compute.kernels.Kernels;
import dev.hearth.compute.kernels.WorkerPool;
import dev.hearth.compute.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * The machine's float32 matrix-multiply rate as Hearth's kernels reach it: the denominator of
 * training's "share of the measured FLOP/s". A {@code [1024][1024]} weight times 256 token
 * vectors with {@link Kernels#matMul}, the product that dominates a training step, best of
 * several runs after warming up.
 *
 * @param gflops the best rate, 10⁹ floating-point operations per second (a multiply-add is two)
 */
record MatMulRate(double gflops, double meanGflops, int threads) {
    private static final int SIZE = 1024;
    private static final int TOKENS = 256;
    private static final long WARM_UP_NANOS = 2_000_000_000L;

    static MatMulRate measure(WorkerPool pool, int repetitions) {
        SplittableRandom random = new SplittableRandom(1);
        float[] w = new float[SIZE * SIZE];
        float[] x = new float[TOKENS * SIZE];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextDouble(-1, 1);
        }
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble(-1, 1);
        }
        float[] y = new float[TOKENS * SIZE];
        Tensor weight = Tensor.ofFloats("w", w, SIZE, SIZE);
        Kernels kernels = Kernels.vectorized(pool);
        double flops = 2.0 * SIZE * SIZE * TOKENS;
        // Until the JIT has compiled the product's loops (it takes tens of calls): a rate measured
        // earlier would be the interpreter's.
        long warmUpEnd = System.nanoTime() + WARM_UP_NANOS;
        while (System.nanoTime() < warmUpEnd) {
            kernels.matMul(weight, x, 0, y, 0, TOKENS);
        }
        double best = 0;
        double sum = 0;
        for (int i = 0; i < repetitions; i++) {
            long start = System.nanoTime();
            kernels.matMul(weight, x, 0, y, 0, TOKENS);
            double rate = flops / (System.nanoTime() - start); // per ns = GFLOP/s
            best = Math.max(best, rate);
            sum += rate;
        }
        return new MatMulRate(best, sum / repetitions, pool.threads());
    }
}
