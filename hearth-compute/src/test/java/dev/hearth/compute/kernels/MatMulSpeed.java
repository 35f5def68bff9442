package dev.hearth.compute.kernels;

import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.compute.tensor.Tensor;
import java.util.Arrays;
import java.util.Random;

/**
 * A throwaway speed check, not a test: matrix-vector and matrix-matrix products of Qwen2.5-0.5B's
 * feed-forward shape (or the shapes given as {@code ROWSxCOLS}, for {@code tN} tokens) in each fast
 * format. Run with {@code java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes
 * dev.hearth.compute.kernels.MatMulSpeed [threads...] [types...] [RxC...] [tN...]}, e.g.
 * {@code 1 2 F32 512x512 2048x512 512x2048 t32 t400} for a BERT encoder's layers.
 */
final class MatMulSpeed {

    public static void main(String[] args) {
        int[] threadCounts = Arrays.stream(args).filter(a -> a.matches("\\d+")).mapToInt(Integer::parseInt).toArray();
        GgmlType[] types = Arrays.stream(args).filter(a -> a.matches("[A-Z].*")).map(GgmlType::valueOf)
                .toArray(GgmlType[]::new);
        int[][] shapes = Arrays.stream(args).filter(a -> a.matches("\\d+x\\d+"))
                .map(a -> Arrays.stream(a.split("x")).mapToInt(Integer::parseInt).toArray()).toArray(int[][]::new);
        int[] tokenCounts = Arrays.stream(args).filter(a -> a.matches("t\\d+")).mapToInt(a -> Integer.parseInt(a.substring(1)))
                .toArray();
        if (shapes.length == 0) {
            shapes = new int[][] {{896, 4864}};
        }
        if (tokenCounts.length == 0) {
            tokenCounts = new int[] {1, 32};
        }
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
                    for (int[] shape : shapes) {
                        Tensor w = RandomTensors.matrix(type, shape[0], shape[1], random);
                        for (int tokens : tokenCounts) {
                            measure(kernels, threads, w, tokens, random);
                        }
                    }
                }
            }
        }
    }

    private static void measure(Kernels kernels, int threads, Tensor w, int tokens, Random random) {
        int rows = w.rows();
        int cols = w.cols();
        float[] x = RandomTensors.gaussian(random, tokens * cols);
        float[] y = new float[tokens * rows];
        int reps = (int) Math.max(3, 2e8 / ((double) rows * cols * tokens));
        for (int i = 0; i < reps; i++) {
            kernels.matMul(w, x, 0, y, 0, tokens);
        }
        double best = Double.MAX_VALUE;
        double bestCpu = Double.MAX_VALUE; // this thread's CPU time: on a busy machine, a steadier measure
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int round = 0; round < 8; round++) {
            long start = System.nanoTime();
            long cpuStart = bean.getCurrentThreadCpuTime();
            for (int i = 0; i < reps; i++) {
                kernels.matMul(w, x, 0, y, 0, tokens);
            }
            best = Math.min(best, (System.nanoTime() - start) / 1e9 / reps);
            bestCpu = Math.min(bestCpu, (bean.getCurrentThreadCpuTime() - cpuStart) / 1e9 / reps);
        }
        double flops = 2.0 * rows * cols * tokens;
        System.out.printf("%d threads  %-5s %d×%d  tokens %3d  %8.1f µs  %6.1f GFLOP/s  %6.1f GB/s of weights"
                        + "  (calling thread: %6.1f GFLOP per CPU second)%n",
                threads, w.type(), rows, cols, tokens, best * 1e6, flops / best / 1e9,
                w.data().byteSize() / best / 1e9, flops / bestCpu / 1e9);
    }
}
