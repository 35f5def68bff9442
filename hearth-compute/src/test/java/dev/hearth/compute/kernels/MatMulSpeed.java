package dev.hearth.compute.kernels;

import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.compute.tensor.Tensor;
import java.util.Arrays;
import java.util.Random;

/**
 * A throwaway speed check, not a test: matrix-vector and matrix-matrix products of Qwen2.5-0.5B's
 * feed-forward shape in each fast format. Run with
 * {@code java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes
 * dev.hearth.compute.kernels.MatMulSpeed [threads...] [types...]}.
 */
final class MatMulSpeed {

    public static void main(String[] args) {
        int rows = 896;
        int cols = 4864;
        int[] threadCounts = Arrays.stream(args).filter(a -> a.matches("\\d+")).mapToInt(Integer::parseInt).toArray();
        GgmlType[] types = Arrays.stream(args).filter(a -> !a.matches("\\d+")).map(GgmlType::valueOf).toArray(GgmlType[]::new);
        if (threadCounts.length == 0) {
            threadCounts = new int[] {1, 2};
        }
        if (types.length == 0) {
            types = new GgmlType[] {GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q5_0, GgmlType.Q4_K, GgmlType.Q6_K, GgmlType.F16, GgmlType.BF16, GgmlType.F32};
        }
        Random random = new Random(1);
        for (int threads : threadCounts) {
            try (WorkerPool pool = new WorkerPool(threads)) {
                Kernels kernels = Kernels.vectorized(pool);
                for (GgmlType type : types) {
                    Tensor w = RandomTensors.matrix(type, rows, cols, random);
                    for (int tokens : new int[] {1, 32}) {
                        float[] x = RandomTensors.gaussian(random, tokens * cols);
                        float[] y = new float[tokens * rows];
                        int reps = tokens == 1 ? 400 : 20;
                        for (int i = 0; i < reps; i++) {
                            kernels.matMul(w, x, 0, y, 0, tokens);
                        }
                        double best = Double.MAX_VALUE;
                        for (int round = 0; round < 5; round++) {
                            long start = System.nanoTime();
                            for (int i = 0; i < reps; i++) {
                                kernels.matMul(w, x, 0, y, 0, tokens);
                            }
                            best = Math.min(best, (System.nanoTime() - start) / 1e9 / reps);
                        }
                        double gflops = 2.0 * rows * cols * tokens / best / 1e9;
                        double gbps = w.data().byteSize() / best / 1e9;
                        System.out.printf("%d threads  %-5s %d×%d  tokens %2d  %8.1f µs  %6.1f GFLOP/s  %6.1f GB/s of weights%n",
                                threads, type, rows, cols, tokens, best * 1e6, gflops, gbps);
                    }
                }
            }
        }
    }
}
