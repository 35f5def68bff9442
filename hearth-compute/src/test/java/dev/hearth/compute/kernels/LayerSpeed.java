package dev.hearth.compute.kernels;

import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.compute.tensor.Tensor;
import java.util.Random;

/**
 * A throwaway speed check, not a test: the seven matrix products of Qwen2.5-0.5B's layers (query,
 * key, value, output, gate, up, down) for a prompt of {@code tokens} tokens, through 24 layers of
 * {@code layers} distinct weight sets (24: every matrix streamed from memory, as in a model; 1:
 * the same matrices again), on 2 threads. Prints GFLOP/s per product and for the whole. Run with
 * {@code java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes
 * dev.hearth.compute.kernels.LayerSpeed [layers] [tokens] [TYPE]}.
 */
final class LayerSpeed {

    private static final int[][] SHAPES = {{896, 896}, {128, 896}, {128, 896}, {896, 896}, {4864, 896}, {4864, 896},
        {896, 4864}};
    private static final int DEPTH = 24;

    private LayerSpeed() {
    }

    public static void main(String[] args) {
        int layers = args.length > 0 ? Integer.parseInt(args[0]) : DEPTH;
        int tokens = args.length > 1 ? Integer.parseInt(args[1]) : 512;
        GgmlType type = GgmlType.valueOf(args.length > 2 ? args[2] : "Q8_0");
        Random random = new Random(1);
        Tensor[][] w = new Tensor[layers][SHAPES.length];
        for (int l = 0; l < layers; l++) {
            for (int i = 0; i < SHAPES.length; i++) {
                w[l][i] = RandomTensors.matrix(type, SHAPES[i][0], SHAPES[i][1], random);
            }
        }
        float[] x = RandomTensors.gaussian(random, tokens * 4864);
        float[] y = new float[tokens * 4864];
        try (WorkerPool pool = new WorkerPool(2)) {
            Kernels kernels = Kernels.vectorized(pool);
            for (int round = 0; round < 6; round++) {
                long[] spent = new long[SHAPES.length];
                for (int l = 0; l < DEPTH; l++) {
                    for (int i = 0; i < SHAPES.length; i++) {
                        long t0 = System.nanoTime();
                        kernels.matMul(w[l % layers][i], x, 0, y, 0, tokens);
                        spent[i] += System.nanoTime() - t0;
                    }
                }
                StringBuilder line = new StringBuilder();
                double flops = 0;
                long nanos = 0;
                for (int i = 0; i < SHAPES.length; i++) {
                    double f = 2.0 * SHAPES[i][0] * SHAPES[i][1] * tokens * DEPTH;
                    line.append(String.format("  %d×%d %.0f", SHAPES[i][0], SHAPES[i][1], f / spent[i]));
                    flops += f;
                    nanos += spent[i];
                }
                System.out.printf("%s, %d distinct layers, %d tokens: %.1f GFLOP/s;%s%n", type, layers, tokens,
                        flops / nanos, line);
            }
        }
    }
}
