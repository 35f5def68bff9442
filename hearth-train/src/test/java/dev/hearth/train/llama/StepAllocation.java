package dev.hearth.train.llama;

import dev.hearth.compute.kernels.Kernels;
import dev.hearth.compute.kernels.WorkerPool;
import dev.hearth.train.data.SplitMix64;
import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * Measures that a training step (forward, backward, the optimizer) allocates nothing once the JIT
 * has compiled it: the bytes allocated by every live thread (the caller and the pool's workers)
 * over 50 steps of a small model, after warm-up rounds. A measuring tool, not a test, for the
 * reason {@code DecodeAllocation} gives (whether the JIT keeps every vector out of the heap
 * depends on how busy the machine is while it compiles). Run it on an idle machine:
 * {@code java --add-modules jdk.incubator.vector -cp <test classpath> dev.hearth.train.llama.StepAllocation}.
 */
final class StepAllocation {
    private static final int STEPS = 50;

    private StepAllocation() {}

    public static void main(String[] args) {
        LlamaShape shape = new LlamaShape(512, 128, 64, 2, 4, 2, 176, 10000, 1e-5f, true);
        int B = 4;
        int T = 64;
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (WorkerPool pool = new WorkerPool(2)) {
            LlamaParameters parameters = new LlamaParameters(shape);
            Initialization.initialize(parameters, new SplitMix64(1));
            TrainableLlama model = new TrainableLlama(shape, parameters.weights(), B, T, Kernels.vectorized(pool), pool);
            var adam = new dev.hearth.train.optim.AdamW(parameters.layout().slots(), parameters.layout().size(),
                    new dev.hearth.train.optim.AdamW.Settings(0.9f, 0.95f, 1e-8f, 0.1f));
            SplitMix64 random = new SplitMix64(2);
            int[] tokens = new int[B * T];
            int[] targets = new int[B * T];
            for (int round = 0; round < 20; round++) {
                long[] ids = threads.getAllThreadIds();
                long[] beforeEach = threads.getThreadAllocatedBytes(ids);
                for (int step = 0; step < STEPS; step++) {
                    for (int i = 0; i < tokens.length; i++) {
                        tokens[i] = random.nextInt(shape.vocabularySize());
                        targets[i] = random.nextInt(shape.vocabularySize());
                    }
                    parameters.zeroGradients();
                    model.forward(tokens, targets);
                    model.backward(1f);
                    dev.hearth.train.optim.AdamW.clipGradients(parameters.gradients(), 1);
                    adam.step(parameters.values(), parameters.gradients(), 1e-3f);
                }
                long[] afterEach = threads.getThreadAllocatedBytes(ids);
                // Summed only now, so that the measuring allocates nothing between the two readings
                // but the array the second one returns.
                long before = Arrays.stream(beforeEach).filter(b -> b > 0).sum();
                long after = Arrays.stream(afterEach).filter(b -> b > 0).sum();
                System.out.printf("round %d: %d bytes in %d steps (the second reading's own long[%d] included)%n",
                        round, after - before, STEPS, ids.length);
                for (int t = 0; t < ids.length; t++) {
                    if (afterEach[t] - beforeEach[t] > 0) {
                        System.out.printf("   %s: %d%n", threads.getThreadInfo(ids[t]).getThreadName(),
                                afterEach[t] - beforeEach[t]);
                    }
                }
            }
        }
    }
}
