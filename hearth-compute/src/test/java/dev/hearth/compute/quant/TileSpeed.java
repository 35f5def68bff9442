package dev.hearth.compute.quant;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * A throwaway speed check, not a test: how fast do {@link UnpackedProduct#dot4x4}, the four-rows-
 * by-four-tokens register tile with its lane sums, and {@link PanelProduct#outerProducts}, six
 * rows into a panel of tokens, go on this core with nothing around them (no unpacking, no packing,
 * no pool)? One thread multiplies a tile of four float rows by four of {@code tokens}
 * activation rows, the group of four changing each call as in a product of that many tokens, so
 * that with many tokens (or long rows) the activations no longer stay in the nearer caches. Also prints the core's own peak: sixteen independent multiply-adds
 * in registers. Run with {@code java --add-modules jdk.incubator.vector
 * -cp target/classes:target/test-classes dev.hearth.compute.quant.TileSpeed [cols] [tokens]}.
 */
final class TileSpeed {

    private static final int L = Lanes.L;

    private TileSpeed() {
    }

    public static void main(String[] args) {
        int cols = args.length > 0 ? Integer.parseInt(args[0]) : 896;
        int tokens = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        float[] tile = new float[4 * cols];
        float[] x = new float[tokens * cols];
        float[] y = new float[tokens * 4];
        float[] sums = new float[16 * L];
        int[] operands = new int[UnpackedProduct.OPERAND_SLOTS];
        float[] panelRows = new float[6 * cols];
        float[] panel = new float[PanelProduct.WIDTH * cols];
        float[] panelSums = new float[6 * PanelProduct.WIDTH];
        for (int i = 0; i < 4; i++) {
            operands[UnpackedProduct.ROW + i] = i * cols;
            operands[UnpackedProduct.Y_ROW + i] = i;
        }
        for (int round = 0; round < 5; round++) {
            long calls = 400_000_000L / cols;
            long t0 = System.nanoTime();
            for (long i = 0; i < calls; i++) {
                int first = (int) (i % (tokens / 4)) * 4;
                for (int k = 0; k < 4; k++) {
                    operands[UnpackedProduct.TOKEN + k] = (first + k) * cols;
                    operands[UnpackedProduct.Y_TOKEN + k] = (first + k) * 4;
                }
                UnpackedProduct.dot4x4(tile, cols, operands, x, y, sums);
            }
            double tileSeconds = (System.nanoTime() - t0) / 1e9;
            long panelCalls = calls * 16 / (6L * PanelProduct.WIDTH);
            t0 = System.nanoTime();
            for (long i = 0; i < panelCalls; i++) {
                PanelProduct.outerProducts(panelRows, cols, panel, 0, panelSums);
            }
            double panelSeconds = (System.nanoTime() - t0) / 1e9;
            long steps = 20_000_000;
            t0 = System.nanoTime();
            float peak = peak(steps, x);
            double peakSeconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("%d columns, %d tokens: dot4x4 %.1f GFLOP/s, panel %.1f GFLOP/s, registers only %.1f GFLOP/s"
                            + " (one thread)%s%n",
                    cols, tokens, calls * 16.0 * cols * 2 / tileSeconds / 1e9,
                    panelCalls * 6.0 * PanelProduct.WIDTH * cols * 2 / panelSeconds / 1e9,
                    steps * 16.0 * L * 2 / peakSeconds / 1e9, peak == 42 ? " " : "");
        }
    }

    /** Sixteen independent chains of multiply-adds, no memory: the core's peak. */
    private static float peak(long steps, float[] seed) {
        FloatVector a0 = Lanes.x(seed, 0), a1 = a0.add(1), a2 = a0.add(2), a3 = a0.add(3);
        FloatVector a4 = a0.add(4), a5 = a0.add(5), a6 = a0.add(6), a7 = a0.add(7);
        FloatVector a8 = a0.add(8), a9 = a0.add(9), a10 = a0.add(10), a11 = a0.add(11);
        FloatVector a12 = a0.add(12), a13 = a0.add(13), a14 = a0.add(14), a15 = a0.add(15);
        FloatVector m = FloatVector.broadcast(Lanes.F, 0.999f);
        FloatVector c = FloatVector.broadcast(Lanes.F, 0.001f);
        for (long i = 0; i < steps; i++) {
            a0 = a0.fma(m, c);
            a1 = a1.fma(m, c);
            a2 = a2.fma(m, c);
            a3 = a3.fma(m, c);
            a4 = a4.fma(m, c);
            a5 = a5.fma(m, c);
            a6 = a6.fma(m, c);
            a7 = a7.fma(m, c);
            a8 = a8.fma(m, c);
            a9 = a9.fma(m, c);
            a10 = a10.fma(m, c);
            a11 = a11.fma(m, c);
            a12 = a12.fma(m, c);
            a13 = a13.fma(m, c);
            a14 = a14.fma(m, c);
            a15 = a15.fma(m, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .add(a12).add(a13).add(a14).add(a15).reduceLanes(VectorOperators.ADD);
    }
}
