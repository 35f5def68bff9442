package dev.hearth.compute.kernels;

import dev.hearth.compute.quant.WeightFormats;
import dev.hearth.compute.tensor.GgmlType;
import dev.hearth.compute.tensor.Tensor;
import java.lang.management.ManagementFactory;
import java.util.Random;

/**
 * Run in its own JVM by {@link KernelCompilationTest}: multiplies a small matrix of every format
 * with a fused kernel, one token, eight and forty (a prompt's panels), until the JIT has compiled the kernels, then prints the
 * bytes each product allocates, one line per format: {@code allocated TYPE BYTES_PER_PRODUCT}. The
 * least of three measured rounds: a kernel recompiled during a round runs uncompiled for a while and
 * allocates then, which is not the steady state this measures.
 */
final class KernelWorkout {

    static final int WARM_UP = 6_000;
    static final int MEASURED = 500;
    static final int ROUNDS = 3;
    /** The tokens of the products multiplied in panels. */
    static final int PROMPT = 40;

    private KernelWorkout() {
    }

    public static void main(String[] args) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Random random = new Random(7);
        try (WorkerPool pool = new WorkerPool(2)) {
            Kernels kernels = Kernels.vectorized(pool);
            for (GgmlType type : WeightFormats.supportedTypes()) {
                if (WeightFormats.fusedDot(type).isEmpty()) {
                    continue;
                }
                Tensor w = RandomTensors.matrix(type, 16, 512, random);
                float[] x = RandomTensors.gaussian(random, PROMPT * 512);
                float[] y = new float[PROMPT * 16];
                for (int i = 0; i < WARM_UP; i++) {
                    kernels.matMul(w, x, 0, y, 0, 1);
                    kernels.matMul(w, x, 0, y, 0, 8);
                    kernels.matMul(w, x, 0, y, 0, PROMPT);
                }
                long least = Long.MAX_VALUE;
                for (int round = 0; round < ROUNDS; round++) {
                    long before = threads.getTotalThreadAllocatedBytes();
                    for (int i = 0; i < MEASURED; i++) {
                        kernels.matMul(w, x, 0, y, 0, 1);
                        kernels.matMul(w, x, 0, y, 0, 8);
                    kernels.matMul(w, x, 0, y, 0, PROMPT);
                    }
                    least = Math.min(least, threads.getTotalThreadAllocatedBytes() - before);
                }
                System.out.println("allocated " + type + " " + least / MEASURED);
            }
        }
    }
}
